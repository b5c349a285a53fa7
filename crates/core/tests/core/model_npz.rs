//! .npz files (model::npz): round trips, numpy both ways, malformed files.
