//! `descent evaluate`: a saved net's accuracy on MNIST (or another data set).

use std::path::PathBuf;

use descent_core::{Float, TrainConfig, Trainer};
use serde_json::json;

use super::{print, print_json};
use crate::args::{DATA_HELP, JSON_HELP, Precision};
use crate::commands::train::book_line;
use crate::data;
use crate::error::CliError;
use crate::model;

/// What it computes.
pub const ABOUT: &str = "the accuracy of a saved net (.npz or .pkl) on the training and test sets";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "Reads W1, b1, W2 and b2 from an .npz (descent train --save, numpy.savez) or a .pkl (the book's\n\
            save_params pickle; only numpy arrays in a dict are read, nothing in it is run), and prints\n\
            `train acc, test acc | a, b` over all training and test images, as train_neuralnet.py does.\n\
            --precision: the float type to evaluate in (default: the file's, float32 or float64).\n\
            --json: {train_acc, test_acc, precision, input, hidden, output, file}.";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "PATH", value_parser = clap::value_parser!(PathBuf), help = "the model file (.npz or .pkl)")]
    pub load: Option<PathBuf>,
    #[arg(long, value_name = "f32|f64", value_parser = Precision::parse, help = "float type to evaluate in (default: the file's)")]
    pub precision: Option<Precision>,
    #[arg(long, value_name = "DIR", value_parser = clap::value_parser!(PathBuf), help = DATA_HELP)]
    pub data: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// Runs `descent evaluate`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    let Some(path) = &flags.load else {
        return Err(CliError::usage(
            Some("evaluate"),
            "--load PATH is needed: the model file to evaluate (.npz or .pkl)",
        ));
    };
    let file = model::Loaded::read(path, flags.precision)?;
    let loaded = data::load(flags.data.as_deref())?;
    match file.precision {
        Precision::F32 => evaluate::<f32>(&file, &loaded, flags.json),
        Precision::F64 => evaluate::<f64>(&file, &loaded, flags.json),
    }
}

fn evaluate<T: Float>(file: &model::Loaded, loaded: &data::Loaded, json: bool) -> Result<(), CliError> {
    let (path, net) = (&file.path, file.net::<T>()?);
    let (input, hidden, output) = (net.input_size(), net.hidden_size(), net.output_size());
    // A trainer only to evaluate with the training loop's kernels (on every core): batch 1, nothing trained.
    let config = TrainConfig { batch_size: 1, iters: 1, ..TrainConfig::default() };
    let mut trainer = Trainer::with_net(config, &loaded.data, net).map_err(|e| {
        CliError::failed(format!("{} (--load) on the data in {}: {e}", path.display(), loaded.dir.display()))
    })?;
    let (train_acc, test_acc) = trainer.evaluate(&loaded.data);
    if json {
        print_json(&json!({
            "train_acc": train_acc, "test_acc": test_acc, "precision": T::NAME, "input": input, "hidden": hidden,
            "output": output, "file": path.display().to_string(),
        }))
    } else {
        print(&format!(
            "TwoLayerNet {input}-{hidden}-{output} in {} from {}; MNIST from {} ({} train, {} test images)\n{}\n",
            T::NAME,
            path.display(),
            loaded.dir.display(),
            loaded.data.train.len(),
            loaded.data.test.len(),
            book_line(train_acc, test_acc)
        ))
    }
}
