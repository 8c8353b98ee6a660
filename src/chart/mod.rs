//! Result table + visualization → SVG, with plotters.
