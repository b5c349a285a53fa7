//! .pkl files (model::pickle): round trips, numpy both ways, refused pickles.
