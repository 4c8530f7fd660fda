// Package sky holds the celestial geometry of gaiaflow: ICRS <-> Galactic
// coordinates, HEALPix pixels (RING and NESTED), the rotated patch frame of
// Via Machinae and the Via Machinae patch grid.
//
// Conventions: every angle in and out is in degrees; longitudes (ra, l, phi)
// come out in [0, 360) except the patch-frame phi, which is in (-180, 180];
// latitudes (dec, b, lambda) in [-90, 90]. Proper motions are in mas/yr and
// the longitude component always carries its cos(latitude) factor (pmra* as
// Gaia publishes it). HEALPix follows Gorski et al. 2005 (ApJ 622, 759):
// theta = 90 - lat, phi = lon, pixel indices are int64 and nside is at most
// 2^29 (NESTED: a power of two). Functions panic on programmer errors (a bad
// nside or pixel index, slices of different lengths), never on data.
package sky
