package sky

import "math"

// cellIndex finds candidate caps for a direction quickly: the sky is cut into
// cells of cellSize x cellSize degrees in (lon, lat), and each cell lists the
// caps that can hold a point of it. A cap of angular radius r around c can
// hold a point of a cell only if c is within r + h of the cell's centre, h the
// distance from the centre to its farthest corner (the farthest point of a
// lon-lat rectangle smaller than a hemisphere is a corner), by the triangle
// inequality. The lists are conservative; callers still test each candidate.
type cellIndex struct {
	start []int32 // cell j's candidates are cand[start[j]:start[j+1]]
	cand  []int32 // cap indices, ascending within a cell
}

const (
	cellSize = 2.0 // degrees
	cellsLat = int(180 / cellSize)
	cellsLon = int(360 / cellSize)
)

// newCellIndex indexes caps of radius r degrees around the unit vectors
// centres.
func newCellIndex(centres []vec, r float64) cellIndex {
	idx := cellIndex{start: make([]int32, 0, cellsLat*cellsLon+1)}
	for i := range cellsLat {
		lat0 := -90 + cellSize*float64(i)
		lat := lat0 + cellSize/2
		// Farthest corner: the same for every cell of a row.
		h := max(Separation(0, lat, cellSize/2, lat0), Separation(0, lat, cellSize/2, lat0+cellSize))
		cosMax := -1.0
		if r+h < 180 {
			cosMax = math.Cos((r + h) * deg)
		}
		for j := range cellsLon {
			c := unitVec(cellSize*(float64(j)+0.5), lat)
			idx.start = append(idx.start, int32(len(idx.cand)))
			for k, v := range centres {
				// The margin covers rounding; candidates are tested exactly.
				if c[0]*v[0]+c[1]*v[1]+c[2]*v[2] >= cosMax-1e-12 {
					idx.cand = append(idx.cand, int32(k))
				}
			}
		}
	}
	idx.start = append(idx.start, int32(len(idx.cand)))
	return idx
}

// candidates returns the caps that may hold the direction (lon, lat) in
// degrees, lat in [-90, 90].
func (idx *cellIndex) candidates(lon, lat float64) []int32 {
	i := min(max(int((lat+90)/cellSize), 0), cellsLat-1)
	lon = math.Mod(lon, 360)
	if lon < 0 {
		lon += 360
	}
	j := min(int(lon/cellSize), cellsLon-1)
	c := i*cellsLon + j
	return idx.cand[idx.start[c]:idx.start[c+1]]
}
