// Package plot draws gaiaflow's figures as PNG with gonum.org/v1/plot (pure
// Go, no cgo): the colour-magnitude diagrams of paper 000 (figs. 2, 3 and 4),
// learning curves, and generic scatter plots and heat maps with overlays for
// the stream pipeline (the Hough space with its boxes).
//
// # Figures
//
// Every drawing function returns a *Figure, which is encoded on demand:
// WritePNG writes it to an io.Writer, Save writes it to a local or gs://
// path through store.Create (the file appears only when complete). Drawing
// functions do not fail on data: NaN values are skipped (points, curve
// points) or left blank (cells); empty or all-NaN input gives a figure with
// empty axes. They panic on programmer errors (slices of different lengths,
// a grid whose Values do not match NX × NY), as documented on each.
//
// # Conventions
//
// A Grid is a scalar field at the centres of the NX × NY cells of a box,
// row-major with x fastest, as hist.Hist2D stores its bins. Colour maps are
// viridis (dark blue low, yellow high); NaN cells and -Inf cells (the log of
// an empty histogram bin or of zero density) are left white, finite values
// below the colour range get its lowest colour. Colour-magnitude
// diagrams put colour on x and absolute magnitude on y, inverted so that
// bright stars are at the top. Magnitudes and colours are in mag, densities
// over the CMD in mag⁻² (per unit colour per unit magnitude), losses in nats.
package plot
