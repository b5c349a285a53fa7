//! The training settings' schema: one table of names, bounds and defaults that
//! the config's checks, its defaults, the page and the CLI all read.

use descent_core::schema::{self, FIELDS, Field, Grouped, Kind};
use descent_core::{ConfigError, Error, TrainConfig};

#[test]
fn the_defaults_are_the_schemas_and_the_books() {
    let d = TrainConfig::default();
    let by = |name| Field::by_name(name).unwrap().default;
    assert_eq!(d.hidden as f64, by("hidden"));
    assert_eq!(d.lr, by("lr"));
    assert_eq!(d.batch_size as f64, by("batch"));
    assert_eq!(d.iters as f64, by("iters"));
    assert_eq!(d.weight_init_std, by("initStd"));
    assert_eq!(d.seed as f64, by("seed"));
    // The book's train_neuralnet.py.
    assert_eq!((d.hidden, d.lr, d.batch_size, d.iters, d.weight_init_std), (50, 0.1, 100, 10000, 0.01));
}

#[test]
fn each_field_has_one_name_per_surface_and_sane_bounds() {
    for f in FIELDS {
        assert_eq!(Field::by_name(f.name), Some(&f));
        assert_eq!(Field::by_rust(f.rust), Some(&f));
        assert!(f.flag.starts_with("--"), "{f:?}");
        assert!(f.min <= f.default && f.default <= f.max, "{f:?}");
        assert!(!f.label.is_empty() && !f.hint.is_empty() && !f.what.is_empty());
    }
    assert_eq!(Field::by_name("learningRate"), None);
}

#[test]
fn values_above_the_schemas_bounds_are_refused_naming_the_field() {
    let ok = TrainConfig::default();
    assert_eq!(
        TrainConfig { hidden: 10_000, iters: 10_000_000, seed: schema::MAX_SEED, ..ok.clone() }.validate(60000),
        Ok(())
    );
    for (config, field) in [
        (TrainConfig { hidden: 10_001, ..ok.clone() }, &schema::HIDDEN),
        (TrainConfig { iters: 10_000_001, ..ok.clone() }, &schema::ITERS),
        (TrainConfig { seed: schema::MAX_SEED + 1, ..ok.clone() }, &schema::SEED),
    ] {
        let e = config.validate(60000).unwrap_err();
        assert!(matches!(e, ConfigError::OutOfBounds { field: f, .. } if f == field), "{e:?}");
        assert_eq!(e.field(), field.rust);
        assert_eq!(e.schema_field(), field);
    }
    let e = TrainConfig { hidden: 20000, ..ok.clone() }.validate(60000).unwrap_err();
    assert_eq!(
        Error::from(e).to_string(),
        "hidden: the hidden size must be a whole number from 1 to 10,000 (default 50), got 20,000"
    );
    let e = TrainConfig { iters: 12_345_678, ..ok }.validate(60000).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the number of iterations must be a whole number from 1 to 10,000,000 (default 10,000), got 12,345,678"
    );
}

#[test]
fn a_fields_check_takes_what_its_kind_and_bounds_allow() {
    let refused =
        |f: &'static Field, x: f64| matches!(f.check(x), Err(ConfigError::OutOfBounds { field, .. }) if field == f);
    for x in [1.0, 50.0, 10_000.0] {
        assert_eq!(schema::HIDDEN.check(x), Ok(()), "{x}");
    }
    for x in [0.0, -1.0, 2.5, 10_001.0, f64::NAN, f64::INFINITY] {
        assert!(refused(&schema::HIDDEN, x), "{x}");
    }
    for x in [1e-300, 0.1, 1e20, f64::MAX] {
        assert_eq!(schema::LR.check(x), Ok(()), "{x}");
    }
    for x in [0.0, -0.1, f64::NAN, f64::INFINITY] {
        assert!(refused(&schema::LR, x), "{x}");
    }
    assert_eq!(schema::INIT_STD.check(0.0), Ok(()));
    assert!(refused(&schema::INIT_STD, -0.01));
    assert_eq!(schema::SEED.check(schema::MAX_SEED as f64), Ok(()));
    assert!(refused(&schema::SEED, schema::MAX_SEED as f64 + 1.0));
    assert_eq!(
        schema::LR.check(-1.0).unwrap_err().to_string(),
        "the learning rate must be a positive, finite number (default 0.1), got -1"
    );
    assert_eq!(
        schema::BATCH.check(2.5).unwrap_err().to_string(),
        "the batch size must be a whole number from 1 to the training set's size (default 100), got 2.5"
    );
    // The batch's upper bound is the data's: the schema takes any size a JS number holds.
    assert_eq!(schema::BATCH.check(60_001.0), Ok(()));
}

#[test]
fn every_config_error_names_a_field_of_the_schema() {
    let ok = TrainConfig::default();
    for config in [
        TrainConfig { lr: -1.0, ..ok.clone() },
        TrainConfig { batch_size: 0, ..ok.clone() },
        TrainConfig { hidden: 0, ..ok.clone() },
        TrainConfig { iters: 0, ..ok.clone() },
        TrainConfig { weight_init_std: f64::NAN, ..ok.clone() },
        TrainConfig { seed: u64::MAX, ..ok.clone() },
    ] {
        let e = config.validate(60000).unwrap_err();
        assert_eq!(e.schema_field().rust, e.field());
    }
}

#[test]
fn bounds_and_numbers_read_as_a_person_writes_them() {
    assert_eq!(schema::HIDDEN.bounds().to_string(), "a whole number from 1 to 10,000");
    assert_eq!(schema::LR.bounds().to_string(), "a positive, finite number");
    assert_eq!(schema::INIT_STD.bounds().to_string(), "a finite number ≥ 0");
    assert_eq!(schema::SEED.kind, Kind::Int);
    for (x, s) in
        [(0.0, "0"), (999.0, "999"), (1000.0, "1,000"), (-1234567.0, "-1,234,567"), (0.5, "0.5"), (1e300, "1e300")]
    {
        assert_eq!(Grouped(x).to_string(), s, "{x}");
    }
    assert_eq!(Grouped(schema::MAX_SEED as f64).to_string(), "9,007,199,254,740,991");
}
