//! A run's history as the two CSV files `descent train --out` writes and the
//! page downloads: the same columns and the same text (floats as Python's
//! `repr`, [`py_float`]).

use alloc::format;
use alloc::string::String;

use crate::book::train::Evaluation;
use crate::pyfmt::py_float;

/// `iter,loss`, a line per iteration (from 0).
pub fn loss_csv(losses: &[f64]) -> String {
    let mut out = String::from("iter,loss\n");
    for (i, l) in losses.iter().enumerate() {
        out.push_str(&format!("{i},{}\n", py_float(*l)));
    }
    out
}

/// `iter,epoch,train_acc,test_acc`, a line per evaluation.
pub fn accuracy_csv(evals: &[Evaluation]) -> String {
    let mut out = String::from("iter,epoch,train_acc,test_acc\n");
    for e in evals {
        out.push_str(&format!("{},{},{},{}\n", e.iter, e.epoch, py_float(e.train_acc), py_float(e.test_acc)));
    }
    out
}
