//! The `descent` binary, run as a user runs it: the book's printed values for
//! every chapter command (text and `--json`), training on real MNIST, the
//! files `--out` writes, and every error path (exit codes and messages).
//!
//! MNIST must be in `data/mnist` (`scripts/setup.sh --data`). No test asserts
//! a time: timings are printed by `descent bench`, not checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The repository's MNIST folder.
fn mnist() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/mnist");
    assert!(dir.join("train-images-idx3-ubyte").is_file(), "MNIST is missing: run `scripts/setup.sh --data` first");
    dir
}

/// Runs `descent args…` from the repository root.
fn descent(args: &[&str]) -> Output {
    descent_in(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."), args)
}

/// Runs `descent args…` from `cwd`.
fn descent_in(cwd: impl AsRef<Path>, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_descent")).args(args).current_dir(cwd).output().expect("the descent binary runs")
}

/// Runs a data command with `--data` pointing at the repository's MNIST.
fn descent_data(args: &[&str]) -> Output {
    let data = mnist();
    let mut all = args.to_vec();
    all.extend(["--data", data.to_str().unwrap()]);
    descent(&all)
}

/// stdout of a run that must succeed.
fn ok(out: Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}\nstderr: {stderr}", out.status.code());
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// stderr of a run that must fail with `code`, never by a panic.
fn fails(out: Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}\nstdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("descent: error: "), "{stderr}");
    stderr
}

/// The single JSON object a `--json` run prints.
fn json(out: Output) -> Value {
    let s = ok(out);
    assert_eq!(s.lines().count(), 1, "one JSON line expected: {s}");
    serde_json::from_str(&s).expect("valid JSON")
}

/// Every line of a `--json` run, parsed.
fn json_lines(out: Output) -> Vec<Value> {
    ok(out).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("an array").iter().map(f).collect()
}

/// A fresh scratch folder under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("descent-cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `dst` standing for the file `src`: a symbolic link where there are
/// symbolic links (unix), a copy elsewhere.
fn link(src: &Path, dst: &Path) {
    let src = src.canonicalize().unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(src, dst).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(src, dst).map(drop).unwrap();
}

mod book {
    use super::*;

    #[test]
    fn loss_prints_the_books_four_values() {
        let s = ok(descent(&["loss"]));
        for v in ["0.09750000000000003", "0.5975", "0.510825457099338", "2.302584092994546"] {
            assert!(s.contains(v), "{v} missing from\n{s}");
        }
        assert!(s.contains("[0.1  0.05 0.6  0.   0.05 0.1  0.   0.1  0.   0.  ]"), "{s}");
        let j = json(descent(&["loss", "--json"]));
        assert_eq!(j["t"], 2);
        let r = &j["results"];
        assert_eq!(f(&r[0]["sum_squares_error"]), 0.09750000000000003);
        assert_eq!(f(&r[0]["cross_entropy_error"]), 0.510825457099338);
        assert_eq!(f(&r[1]["sum_squares_error"]), 0.5975);
        assert_eq!(f(&r[1]["cross_entropy_error"]), 2.302584092994546);
    }

    #[test]
    fn loss_of_a_given_output_and_label() {
        let j = json(descent(&["loss", "--y", "0.1,0.05,0.1,0,0.05,0.1,0,0.6,0,0", "--t", "7", "--json"]));
        let r = &j["results"][0];
        assert!((f(&r["sum_squares_error"]) - 0.0975).abs() < 1e-15);
        assert!((f(&r["cross_entropy_error"]) - 0.510825457099338).abs() < 1e-15);
        assert_eq!(r["name"], "y");
    }

    #[test]
    fn gradient_1d_derivative_and_tangent() {
        let s = ok(descent(&["gradient-1d"]));
        assert!(s.contains("0.1999999999990898"), "{s}");
        let j = json(descent(&["gradient-1d", "--json"]));
        assert_eq!(f(&j["x"]), 5.0);
        assert_eq!(f(&j["f"]), 0.75);
        assert_eq!(f(&j["derivative"]), 0.1999999999990898);
        assert_eq!(f(&j["tangent"]["slope"]), 0.1999999999990898);
        assert_eq!(f(&j["tangent"]["intercept"]), 0.75 - 0.1999999999990898 * 5.0);
        let j = json(descent(&["gradient-1d", "--x", "10", "--json"]));
        assert!((f(&j["derivative"]) - 0.3).abs() < 1e-9);
    }

    #[test]
    fn gradient_2d_partials_and_gradient() {
        let s = ok(descent(&["gradient-2d"]));
        assert!(s.contains("6.00000000000378") && s.contains("[6. 8.]"), "{s}");
        let j = json(descent(&["gradient-2d", "--at", "3,4", "--json"]));
        assert_eq!(f(&j["partial"][0]), 6.00000000000378);
        let g = floats(&j["gradient"]);
        assert!((g[0] - 6.0).abs() < 1e-9 && (g[1] - 8.0).abs() < 1e-9, "{g:?}");
    }

    #[test]
    fn gradient_2d_field_is_the_books_grid() {
        let s = ok(descent(&["gradient-2d", "--field"]));
        assert_eq!(s.lines().count(), 1 + 324, "a header and 18 × 18 rows");
        let j = json(descent(&["gradient-2d", "--field", "--json"]));
        let pts = j.as_array().expect("a JSON array");
        assert_eq!(pts.len(), 324);
        assert_eq!((f(&pts[0]["x0"]), f(&pts[0]["x1"])), (-2.0, -2.0));
        assert_eq!((f(&pts[1]["x0"]), f(&pts[1]["x1"])), (-1.75, -2.0), "x0 varies fastest");
        assert_eq!((f(&pts[323]["x0"]), f(&pts[323]["x1"])), (2.25, 2.25));
        for p in pts {
            // −∇f = (−2x0, −2x1): the arrows point to the minimum.
            assert!((f(&p["dx0"]) + 2.0 * f(&p["x0"])).abs() < 1e-9);
            assert!((f(&p["dx1"]) + 2.0 * f(&p["x1"])).abs() < 1e-9);
        }
    }

    #[test]
    fn gradient_method_reproduces_the_books_three_runs() {
        for (lr, expected) in [
            ("0.1", "[-6.11110793e-10  8.14814391e-10]"),
            ("10", "[-2.58983747e+13 -1.29524862e+12]"),
            ("1e-10", "[-2.99999994  3.99999992]"),
        ] {
            let s = ok(descent(&["gradient-method", "--init", "-3,4", "--lr", lr, "--steps", "100"]));
            assert!(s.contains(expected), "lr {lr}: {expected} missing from\n{s}");
        }
        // The defaults are the book's first run.
        assert!(ok(descent(&["gradient-method"])).contains("[-6.11110793e-10  8.14814391e-10]"));
    }

    #[test]
    fn gradient_method_json_has_the_point_and_the_path() {
        let j = json(descent(&["gradient-method", "--json"]));
        let x = floats(&j["x"]);
        assert!((x[0] - -6.11110793e-10).abs() < 1e-17 && (x[1] - 8.14814391e-10).abs() < 1e-17, "{x:?}");
        let history = j["history"].as_array().unwrap();
        assert_eq!(history.len(), 100);
        assert_eq!(floats(&history[0]), vec![-3.0, 4.0], "x before the first update");
        let s = ok(descent(&["gradient-method", "--steps", "3", "--history"]));
        assert!(s.contains("[[-3.    4.  ]") && s.contains("[-1.92  2.56]]"), "{s}");
    }

    #[test]
    fn simplenet_with_the_books_w() {
        let s = ok(descent(&["simplenet"]));
        assert!(s.contains("[[ 1.78188867 -1.60339216 -1.83076049]"), "{s}");
        assert!(s.contains("np.argmax(p)                  0"), "{s}");
        let j = json(descent(&["simplenet", "--json"]));
        let close = |got: &[f64], want: &[f64]| {
            got.iter().zip(want).all(|(g, w)| (g - w).abs() < 2e-8) && got.len() == want.len()
        };
        let p = floats(&j["p"]);
        assert!(close(&p, &[0.82263473, -0.13474467, -1.80975762]), "{p:?}");
        assert_eq!(j["argmax"], 0);
        assert!((f(&j["loss"]) - 3.0079485436571267).abs() < 1e-7);
        let dw: Vec<f64> = j["dW"].as_array().unwrap().iter().flat_map(floats).collect();
        assert!(close(&dw, &[0.4121426, 0.15822056, -0.57036316, 0.6182139, 0.23733084, -0.85554475]), "{dw:?}");
    }

    #[test]
    fn simplenet_takes_w_x_t_or_a_seed() {
        let j = json(descent(&["simplenet", "--w", "1,0,0,0,1,0", "--x", "1,2", "--t", "1", "--json"]));
        assert_eq!(floats(&j["p"]), vec![1.0, 2.0, 0.0]);
        assert_eq!(j["argmax"], 1);
        let a = json(descent(&["simplenet", "--seed", "7", "--json"]));
        let b = json(descent(&["simplenet", "--seed", "7", "--json"]));
        assert_eq!(a["W"], b["W"], "a seed gives one W");
    }

    #[test]
    fn help_lists_commands_and_flags() {
        let top = ok(descent(&["--help"]));
        for c in ["loss", "gradient-1d", "gradient-2d", "gradient-method", "simplenet", "gradcheck", "train", "bench"] {
            assert!(top.contains(c), "{c}");
            let h = ok(descent(&[c, "--help"]));
            assert!(h.contains("--json") && h.contains(&format!("descent {c}")), "{h}");
        }
        let train = ok(descent(&["train", "--help"]));
        for flag in ["--iters", "--batch", "--lr", "--hidden", "--init-std", "--seed", "--precision", "--out", "--data"]
        {
            assert!(train.contains(flag), "{flag}");
        }
        assert_eq!(ok(descent(&["help", "bench"])), ok(descent(&["bench", "-h"])));
    }
}

mod errors {
    use super::*;

    #[test]
    fn missing_data_folder_names_the_setup_command() {
        let dir = scratch("missing").join("nope");
        let e = fails(descent(&["train", "--data", dir.to_str().unwrap()]), 1);
        assert!(e.contains("does not exist") && e.contains("scripts/setup.sh --data"), "{e}");
    }

    #[test]
    fn no_data_folder_anywhere_names_the_setup_command() {
        // A copy of the binary outside the repository, run from outside it: nothing to find.
        let dir = std::env::temp_dir().join(format!("descent-cli-nodata-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("descent");
        std::fs::copy(env!("CARGO_BIN_EXE_descent"), &exe).unwrap();
        let out = Command::new(&exe).args(["train", "--iters", "1"]).current_dir(&dir).output().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let e = fails(out, 1);
        assert!(e.contains("MNIST not found") && e.contains("scripts/setup.sh --data"), "{e}");
    }

    #[test]
    fn data_that_is_a_file_is_refused() {
        let file = mnist().join("t10k-labels-idx1-ubyte");
        let e = fails(descent(&["bench", "--data", file.to_str().unwrap()]), 1);
        assert!(e.contains("is a file"), "{e}");
    }

    #[test]
    fn empty_data_folder_names_the_missing_file() {
        let dir = scratch("empty");
        let e = fails(descent(&["gradcheck", "--data", dir.to_str().unwrap()]), 1);
        assert!(e.contains("train-images-idx3-ubyte is missing") && e.contains("scripts/setup.sh --data"), "{e}");
    }

    /// A folder with the real files linked in, except `bad` written as `bytes`.
    fn data_with(name: &str, bad: &str, bytes: &[u8]) -> PathBuf {
        let dir = scratch(name);
        for f in
            ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
        {
            if f == bad {
                std::fs::write(dir.join(f), bytes).unwrap();
            } else {
                link(&mnist().join(f), &dir.join(f));
            }
        }
        dir
    }

    #[test]
    fn truncated_file_is_named_with_what_is_wrong() {
        let full = std::fs::read(mnist().join("t10k-labels-idx1-ubyte")).unwrap();
        let dir = data_with("truncated", "t10k-labels-idx1-ubyte", &full[..1000]);
        let e = fails(descent(&["train", "--iters", "1", "--data", dir.to_str().unwrap()]), 1);
        assert!(e.contains("t10k-labels-idx1-ubyte") && e.contains("truncated"), "{e}");
        assert!(e.contains("1000 bytes, but the header promises 10008"), "{e}");
    }

    /// The read stops one byte past the header's promise, yet the message gives
    /// the file's real length (it said "10009 bytes … 1 unexpected bytes").
    #[test]
    fn oversized_file_is_reported_with_its_real_length() {
        let mut bytes = std::fs::read(mnist().join("t10k-labels-idx1-ubyte")).unwrap();
        bytes.resize(bytes.len() + 5000, 0);
        let dir = data_with("oversized", "t10k-labels-idx1-ubyte", &bytes);
        let e = fails(descent(&["train", "--iters", "1", "--data", dir.to_str().unwrap()]), 1);
        assert!(
            e.contains(
                "t10k-labels-idx1-ubyte: 15008 bytes, but the header promises 10008: 5000 unexpected bytes at the end"
            ),
            "{e}"
        );
        bytes.truncate(10009);
        let dir = data_with("oversized-1", "t10k-labels-idx1-ubyte", &bytes);
        let e = fails(descent(&["train", "--iters", "1", "--data", dir.to_str().unwrap()]), 1);
        assert!(e.contains("10009 bytes, but the header promises 10008: 1 unexpected byte at the end;"), "{e}");
    }

    #[test]
    fn gzipped_file_says_to_gunzip() {
        let dir = data_with("gzipped", "train-labels-idx1-ubyte", &[0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0]);
        let e = fails(descent(&["bench", "--data", dir.to_str().unwrap()]), 1);
        assert!(e.contains("train-labels-idx1-ubyte") && e.contains("gunzip"), "{e}");
    }

    #[test]
    fn usage_errors_exit_with_2() {
        for args in [
            &["train", "--itres", "5"][..],
            &["train", "--iters", "ten"],
            &["train", "--lr", "-1"],
            &["train", "--lr", "nan"],
            &["train", "--precision", "f16"],
            &["train", "--iters"],
            &["train", "--iters", "0"],
            &["train", "--iters", "1000000000000"],
            &["train", "--hidden", "0"],
            &["gradient-method", "--steps", "100000000"],
            &["loss", "--t", "10"],
            &["loss", "--y", "0.5,abc"],
            &["gradient-2d", "--at", "1,2,3"],
            &["gradient-method", "--steps", "-1"],
            &["simplenet", "--w", "1,2,3"],
            &["simplenet", "--w", "1,2,3,4,5,6", "--seed", "1"],
            &["gradcheck", "--images", "0"],
            &["bench", "--precision", "f16"],
            &["bench", "--iters", "0"],
            &["bench", "--iters", "100001"],
            &["trian"],
            &["loss", "stray"],
            &[],
        ] {
            let e = fails(descent(args), 2);
            assert!(e.contains("--help"), "{args:?}: {e}");
        }
        let e = fails(descent(&["train", "--itres", "5"]), 2);
        assert!(e.contains("did you mean --iters?"), "{e}");
    }

    /// `bench --iters 18446744073709551615` panicked ("attempt to add with
    /// overflow" in the core's warm-up + iters; it wraps in a release build),
    /// and a huge count that does not overflow ran for ever.
    #[test]
    fn bench_iters_are_capped() {
        for n in ["18446744073709551615", "18446744073709551565", "1000000000"] {
            let e = fails(descent(&["bench", "--iters", n]), 2);
            assert!(e.contains(&format!("--iters must be within 1..=100000 for bench, got {n}")), "{e}");
            assert!(e.contains("the default 300 gives steady figures"), "{e}");
        }
    }

    #[test]
    fn a_batch_larger_than_the_training_set_is_a_usage_error() {
        let e = fails(descent_data(&["train", "--batch", "60001"]), 2);
        assert!(e.contains("batch_size") && e.contains("60000"), "{e}");
    }
}

mod train {
    use super::*;

    /// Book defaults but 300 iterations (half an epoch): one evaluation (at i = 0)
    /// and the final one. Measured with seed 42: test accuracy 0.5738 in f64 and f32.
    #[test]
    fn three_hundred_iterations_json() {
        for precision in ["f64", "f32"] {
            let lines = json_lines(descent_data(&["train", "--iters", "300", "--json", "--precision", precision]));
            assert_eq!(lines.len(), 2, "{lines:?}");
            let e = &lines[0];
            assert_eq!((e["iter"].as_u64(), e["epoch"].as_u64()), (Some(0), Some(0)));
            assert!((f(&e["train_acc"]) - 0.1).abs() < 0.05 && (f(&e["loss"]) - 2.3).abs() < 0.05, "{e}");
            let last = &lines[1];
            assert_eq!(last["final"], true);
            assert!(f(&last["test_acc"]) >= 0.5, "{precision}: {last}");
            assert!(f(&last["train_acc"]) >= 0.5, "{precision}: {last}");
            assert!(f(&last["elapsed_s"]).is_finite() && f(&last["ms_per_iter"]).is_finite());
        }
    }

    /// One training thread or two (a helper for the products while no
    /// evaluation runs): the same evaluations and the same final accuracy, to
    /// the last digit, in f32 and f64.
    #[test]
    fn two_threads_print_what_one_does() {
        for precision in ["f32", "f64"] {
            let run = |threads: &str| {
                json_lines(descent_data(&[
                    "train",
                    "--iters",
                    "1300",
                    "--json",
                    "--precision",
                    precision,
                    "--threads",
                    threads,
                ]))
            };
            let (one, two) = (run("1"), run("2"));
            assert_eq!(one.len(), 4, "{one:?}");
            assert_eq!(one[..3], two[..3], "{precision}: the evaluations");
            for k in ["train_acc", "test_acc"] {
                assert_eq!(one[3][k], two[3][k], "{precision}: final {k}");
            }
            assert_eq!((one[3]["threads"].as_u64(), two[3]["threads"].as_u64()), (Some(1), Some(2)));
        }
    }

    #[test]
    fn threads_other_than_1_or_2_are_a_usage_error() {
        for bad in ["0", "3", "two"] {
            let e = fails(descent_data(&["train", "--threads", bad]), 2);
            assert!(e.contains("--threads"), "{bad}: {e}");
        }
    }

    /// A larger step learns much faster: lr 1 reaches ≥ 0.85 in 300 iterations (measured 0.9062).
    #[test]
    fn a_larger_learning_rate_learns_faster() {
        let lines = json_lines(descent_data(&["train", "--iters", "300", "--lr", "1", "--json"]));
        assert!(f(&lines[1]["test_acc"]) >= 0.85, "{}", lines[1]);
    }

    /// Batch 60000: every iteration is an epoch, so evaluations fall due faster than the
    /// evaluation thread gets through them; training waits, and every one is printed, in order.
    #[test]
    fn an_evaluation_every_iteration_is_printed_in_order() {
        let lines =
            json_lines(descent_data(&["train", "--iters", "5", "--batch", "60000", "--precision", "f32", "--json"]));
        assert_eq!(lines.len(), 6, "{lines:?}");
        for (i, e) in lines[..5].iter().enumerate() {
            assert_eq!((e["iter"].as_u64(), e["epoch"].as_u64()), (Some(i as u64), Some(i as u64)), "{e}");
        }
        assert_eq!(lines[5]["final"], true);
    }

    #[test]
    fn text_prints_the_books_line_per_epoch() {
        let s = ok(descent_data(&["train", "--iters", "601"]));
        let book: Vec<&str> = s.lines().filter(|l| l.starts_with("train acc, test acc | ")).collect();
        assert_eq!(book.len(), 2, "evaluations at i = 0 and 600:\n{s}");
        assert!(s.contains("final train acc, test acc | "), "{s}");
        assert!(s.contains("601 iterations in"), "{s}");
    }

    #[test]
    fn out_writes_csvs_and_svg_figures() {
        let dir = scratch("out").join("run");
        let s = ok(descent_data(&["train", "--iters", "50", "--out", dir.to_str().unwrap()]));
        assert!(s.contains("wrote"), "{s}");
        let loss = std::fs::read_to_string(dir.join("loss.csv")).unwrap();
        assert_eq!(loss.lines().next(), Some("iter,loss"));
        assert_eq!(loss.lines().count(), 51);
        let acc = std::fs::read_to_string(dir.join("accuracy.csv")).unwrap();
        assert_eq!(acc.lines().next(), Some("iter,epoch,train_acc,test_acc"));
        assert!(acc.lines().nth(1).unwrap().starts_with("0,0,"), "{acc}");
        for name in ["loss.svg", "accuracy.svg"] {
            let svg = std::fs::read_to_string(dir.join(name)).unwrap();
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}");
            assert_eq!(svg.matches("<svg").count(), 1, "{name}");
            assert_eq!(svg.matches('<').count(), svg.matches('>').count(), "{name}: balanced tags");
        }
        let acc_svg = std::fs::read_to_string(dir.join("accuracy.svg")).unwrap();
        assert!(acc_svg.contains(">epochs<") && acc_svg.contains(">accuracy<") && acc_svg.contains("stroke-dasharray"));
    }

    #[test]
    fn divergence_stops_with_a_message() {
        let e = fails(descent_data(&["train", "--iters", "200", "--init-std", "1e308"]), 1);
        assert!(e.contains("diverged") && e.contains("lower the learning rate"), "{e}");
    }

    /// A run that diverges keeps what it made: with --out, its losses and
    /// evaluations so far are written, and the error says where (they were lost).
    #[test]
    fn a_diverged_run_writes_what_it_made() {
        let dir = scratch("out-diverged").join("run");
        let d = dir.to_str().unwrap();
        let out = descent_data(&["train", "--iters", "2000", "--lr", "1e38", "--precision", "f32", "--out", d]);
        let e = fails(out, 1);
        assert!(e.contains("training diverged at iteration 113: the loss became NaN"), "{e}");
        let where_ = format!("the run so far (113 losses, 1 evaluation) was written to {d}: loss.csv, accuracy.csv");
        assert!(e.contains(&where_), "{e}");
        let loss = std::fs::read_to_string(dir.join("loss.csv")).unwrap();
        assert_eq!(loss.lines().count(), 1 + 113, "a header and the 113 losses before the divergence");
        assert!(loss.lines().nth(113).unwrap().starts_with("112,"), "{loss}");
        let acc = std::fs::read_to_string(dir.join("accuracy.csv")).unwrap();
        assert_eq!(acc.lines().count(), 2, "{acc}");
        assert!(acc.lines().nth(1).unwrap().starts_with("0,0,"), "{acc}");
        for name in ["loss.svg", "accuracy.svg"] {
            let svg = std::fs::read_to_string(dir.join(name)).unwrap();
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}");
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{name}: {svg}");
        }
        // With --json the error is one object saying the same.
        let out =
            descent_data(&["train", "--iters", "2000", "--lr", "1e38", "--precision", "f32", "--json", "--out", d]);
        assert_eq!(out.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&out.stderr).expect("the error is JSON");
        assert!(v["error"]["message"].as_str().unwrap().contains(&where_), "{v}");
        // A divergence at iteration 0 made nothing: an earlier run's files stay.
        let e = fails(descent_data(&["train", "--iters", "200", "--init-std", "1e308", "--out", d]), 1);
        assert!(!e.contains("written"), "{e}");
        assert_eq!(std::fs::read_to_string(dir.join("loss.csv")).unwrap(), loss);
    }
}

mod tools {
    use super::*;

    #[test]
    fn gradcheck_agrees_to_the_delta_bias() {
        let j = json(descent_data(&["gradcheck", "--images", "2", "--hidden", "5", "--json"]));
        let params = j["params"].as_array().unwrap();
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["W1", "b1", "W2", "b2"]);
        assert_eq!(params[0]["count"], 784 * 5);
        for p in params {
            // The analytic gradient omits δ = 1e-7 of the loss: a relative ~1e-6 bias, no more.
            assert!(f(&p["max_abs_diff"]) < 1e-6, "{p}");
            assert!(f(&p["max_rel_diff"]) < 1e-4, "{p}");
        }
        let s = ok(descent_data(&["gradcheck", "--images", "1", "--hidden", "3"]));
        for name in ["W1", "b1", "W2", "b2", "numerical gradient", "analytic gradient"] {
            assert!(s.contains(name), "{name}: {s}");
        }
    }

    #[test]
    fn data_is_found_from_a_subfolder() {
        mnist();
        let j =
            json(descent_in(env!("CARGO_MANIFEST_DIR"), &["gradcheck", "--images", "1", "--hidden", "1", "--json"]));
        assert_eq!(j["input"], 784);
    }

    #[test]
    fn bench_reports_every_part() {
        let j = json(descent_data(&["bench", "--iters", "20", "--precision", "f32", "--json"]));
        for (r, threads) in j["results"].as_array().unwrap().iter().zip([1, 2]) {
            assert_eq!((&r["precision"], r["threads"].as_u64()), (&serde_json::json!("f32"), Some(threads)));
            for k in ["ms_per_iter", "gather_ms", "forward_ms", "backward_update_ms", "eval_ms"] {
                assert!(f(&r[k]).is_finite(), "{k}");
            }
            assert_eq!(r["eval_images"], 70000);
        }
        assert_eq!(j["results"].as_array().unwrap().len(), 2);
    }
}

/// Issue 13: input that must be refused, memory that must stay within the
/// budget, and the output contracts (JSON errors, warnings, `--out`).
mod refused {
    use super::*;
    use std::time::{Duration, Instant};

    /// An IDX image file of `count` images of rows × cols zero pixels.
    fn images(count: u32, rows: u32, cols: u32) -> Vec<u8> {
        let mut b = vec![0, 0, 8, 3];
        for d in [count, rows, cols] {
            b.extend_from_slice(&d.to_be_bytes());
        }
        b.resize(16 + (count * rows * cols) as usize, 0);
        b
    }

    /// An IDX label file of `count` labels 0.
    fn labels(count: u32) -> Vec<u8> {
        let mut b = vec![0, 0, 8, 1];
        b.extend_from_slice(&count.to_be_bytes());
        b.resize(8 + count as usize, 0);
        b
    }

    const FILES: [&str; 4] =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// A data folder: the real files linked in, except those given.
    fn folder(name: &str, given: &[(&str, Vec<u8>)]) -> PathBuf {
        let dir = scratch(name);
        for f in FILES {
            match given.iter().find(|(g, _)| *g == f) {
                Some((_, bytes)) => std::fs::write(dir.join(f), bytes).unwrap(),
                None => link(&mnist().join(f), &dir.join(f)),
            }
        }
        dir
    }

    /// descent's memory budget (2 GiB, as `descent --help` states it).
    #[cfg(target_os = "linux")]
    const BUDGET: usize = 2 << 30;

    /// Runs `descent args…` and kills it after `limit`: a run that hangs fails
    /// the test instead of hanging it. On Linux it runs under an address-space
    /// limit (`ulimit -v`) of the memory budget plus 512 MiB for the program
    /// itself, so a run that takes the machine's memory fails too.
    fn descent_within(args: &[&str], limit: Duration) -> Output {
        #[cfg(target_os = "linux")]
        let mut command = {
            let kib = ((BUDGET >> 10) + (512 << 10)).to_string();
            let mut c = Command::new("sh");
            c.args(["-c", "ulimit -v \"$1\" && shift && exec \"$@\"", "sh", &kib, env!("CARGO_BIN_EXE_descent")]);
            c
        };
        #[cfg(not(target_os = "linux"))]
        let mut command = Command::new(env!("CARGO_BIN_EXE_descent"));
        let mut child = command
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                let shown: Vec<String> = args
                    .iter()
                    .map(|a| if a.len() > 40 { format!("{}… ({} chars)", &a[..40], a.len()) } else { a.to_string() })
                    .collect();
                panic!("descent {shown:?} still running after {limit:?}: killed");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    }

    /// [`descent_within`] on the repository's MNIST.
    fn descent_data_within(args: &[&str], limit: Duration) -> Output {
        let data = mnist();
        let mut all = args.to_vec();
        all.extend(["--data", data.to_str().unwrap()]);
        descent_within(&all, limit)
    }

    /// The error object a `--json` run prints on stderr, with its exit code checked.
    fn json_error(out: Output, code: i32) -> Value {
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
        assert!(out.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&out.stdout));
        assert_eq!(stderr.lines().count(), 1, "one JSON line: {stderr}");
        let v: Value = serde_json::from_str(&stderr).expect("the error is JSON");
        assert_eq!(v["error"]["exit_code"], code, "{v}");
        v
    }

    /// Item 1: images of 0 rows (or columns) crashed train, bench and gradcheck (exit 134).
    #[test]
    fn images_without_pixels_are_refused_naming_the_file() {
        let dir = folder(
            "zero-rows",
            &[("train-images-idx3-ubyte", images(60000, 0, 28)), ("t10k-images-idx3-ubyte", images(10000, 0, 28))],
        );
        let d = dir.to_str().unwrap();
        for args in [&["train", "--iters", "1", "--data", d][..], &["bench", "--data", d], &["gradcheck", "--data", d]]
        {
            let e = fails(descent(args), 1);
            assert!(e.contains("train-images-idx3-ubyte: the header gives images of 0×28 pixels"), "{args:?}: {e}");
        }
    }

    /// Item 4: an empty test set trained and printed `test acc 0.0`.
    #[test]
    fn an_empty_test_set_is_refused() {
        let dir = folder(
            "empty-test",
            &[("t10k-images-idx3-ubyte", images(0, 28, 28)), ("t10k-labels-idx1-ubyte", labels(0))],
        );
        let e = fails(descent(&["train", "--iters", "1", "--data", dir.to_str().unwrap()]), 1);
        assert!(e.contains("t10k-images-idx3-ubyte holds 0 images") && e.contains("at least 1 test image"), "{e}");
    }

    /// Item 4: 0 or 1 training images were blamed on --batch, with a usage exit code.
    #[test]
    fn too_few_training_images_are_the_datas_fault() {
        let dir = folder(
            "train-0",
            &[("train-images-idx3-ubyte", images(0, 28, 28)), ("train-labels-idx1-ubyte", labels(0))],
        );
        let e = fails(descent(&["train", "--iters", "1", "--data", dir.to_str().unwrap()]), 1);
        assert!(e.contains("train-images-idx3-ubyte holds 0 images") && e.contains("at least 1 training image"), "{e}");

        let dir = folder(
            "train-1",
            &[("train-images-idx3-ubyte", images(1, 28, 28)), ("train-labels-idx1-ubyte", labels(1))],
        );
        let d = dir.to_str().unwrap();
        let e = fails(descent(&["train", "--iters", "1", "--data", d]), 1);
        assert!(e.contains("train-images-idx3-ubyte holds 1 image, fewer than the default batch of 100"), "{e}");
        assert!(e.contains("--batch 1 or less"), "{e}");
        let e = fails(descent(&["bench", "--data", d]), 1);
        assert!(e.contains("train-images-idx3-ubyte holds 1 image, fewer than bench's batch of 100"), "{e}");
        let e = fails(descent(&["gradcheck", "--data", d]), 1);
        assert!(e.contains("train-images-idx3-ubyte holds 1 image, fewer than the default --images 3"), "{e}");
        let e = fails(descent(&["gradcheck", "--images", "2", "--data", d]), 2);
        assert!(e.contains("--images 2 is more than the training set: in "), "{e}");
        assert!(e.contains("train-images-idx3-ubyte holds 1 image; use at most 1"), "{e}");
        // A batch that fits the one image trains on it.
        let lines = json_lines(descent(&["train", "--iters", "2", "--batch", "1", "--json", "--data", d]));
        assert_eq!(lines.last().unwrap()["final"], true);
    }

    /// Item 4: 0×0 training images beside good test images blamed the test file.
    #[test]
    fn zero_by_zero_training_images_blame_the_training_file() {
        let dir = folder("train-0x0", &[("train-images-idx3-ubyte", images(60000, 0, 0))]);
        let e = fails(descent(&["train", "--iters", "1", "--data", dir.to_str().unwrap()]), 1);
        assert!(e.contains("train-images-idx3-ubyte: the header gives images of 0×0 pixels"), "{e}");
        assert!(!e.contains("t10k"), "{e}");
    }

    /// Item 2: a data file that is /dev/zero must not be read forever.
    #[cfg(unix)]
    #[test]
    fn a_link_to_dev_zero_is_refused() {
        let dir = folder("dev-zero", &[]);
        let f = dir.join("train-labels-idx1-ubyte");
        std::fs::remove_file(&f).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &f).unwrap();
        let out = descent_within(&["train", "--iters", "1", "--data", dir.to_str().unwrap()], Duration::from_secs(20));
        let e = fails(out, 1);
        assert!(e.contains("train-labels-idx1-ubyte is a character device") && e.contains("not a regular file"), "{e}");
    }

    /// Item 2: a data file that is a FIFO must not block or be read forever,
    /// whether nobody writes to it or a writer never stops.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused() {
        use std::io::Write;
        for endless in [false, true] {
            let dir = folder(if endless { "fifo-endless" } else { "fifo-silent" }, &[]);
            let f = dir.join("t10k-labels-idx1-ubyte");
            std::fs::remove_file(&f).unwrap();
            assert!(Command::new("mkfifo").arg(&f).status().unwrap().success(), "mkfifo");
            if endless {
                // A valid header, then bytes without end (throttled: ~100 MB/s at most).
                let f = f.clone();
                std::thread::spawn(move || {
                    let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&f) else { return };
                    let mut chunk = vec![0, 0, 8, 1, 0, 0, 0x27, 0x10];
                    chunk.resize(1 << 20, 3);
                    while w.write_all(&chunk).is_ok() {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                });
            }
            let out =
                descent_within(&["train", "--iters", "1", "--data", dir.to_str().unwrap()], Duration::from_secs(20));
            let e = fails(out, 1);
            assert!(e.contains("t10k-labels-idx1-ubyte is a named pipe (FIFO), not a regular file"), "{e}");
        }
    }

    /// Item 2: batch 60000 × hidden 10000 allocated two 4.8 GB buffers and aborted.
    #[test]
    fn a_run_beyond_the_memory_budget_is_refused_before_allocating() {
        let t = Duration::from_secs(60);
        let e = fails(descent_data_within(&["train", "--hidden", "10000", "--batch", "60000"], t), 2);
        assert!(e.starts_with("descent: error: batch_size: this run needs about 10.11 GB"), "{e}");
        assert!(e.contains("budget of 2 GiB") && e.contains("lower the batch size or the hidden units"), "{e}");
        assert!(e.contains("(--batch, --hidden)"), "{e}");
        assert!(ok(descent(&["--help"])).contains("more than 2 GiB of memory"), "the help states the budget");
        // The same in --json, with the field for the page and scripts.
        let v = json_error(descent_data(&["train", "--hidden", "10000", "--batch", "60000", "--json"]), 2);
        assert_eq!(v["error"]["field"], "batch_size");
        // Within the budget, the same flags train.
        let lines =
            json_lines(descent_data(&["train", "--hidden", "2000", "--batch", "20000", "--iters", "1", "--json"]));
        assert_eq!(lines.last().unwrap()["final"], true);
    }

    /// Item 2: gradcheck on 60000 images × 10000 hidden units did the same.
    #[test]
    fn a_gradient_check_beyond_the_memory_budget_is_refused() {
        let t = Duration::from_secs(60);
        let e = fails(descent_data_within(&["gradcheck", "--images", "60000", "--hidden", "10000"], t), 2);
        assert!(e.contains("a gradient check on 60000 images with 10000 hidden units needs about"), "{e}");
        assert!(e.contains("budget of 2 GiB") && e.contains("(--images, --hidden)"), "{e}");
    }

    /// A check within the memory budget can still run for weeks (`--images
    /// 60000 --hidden 1000`: 4·10¹⁷ multiply-adds): refused at once, like a hang.
    #[test]
    fn a_gradient_check_that_would_run_for_weeks_is_refused() {
        let t = Duration::from_secs(60);
        let e = fails(descent_data_within(&["gradcheck", "--images", "60000", "--hidden", "1000"], t), 2);
        assert!(e.contains("a gradient check on 60000 images with 1000 hidden units needs about"), "{e}");
        assert!(e.contains("hours here") && e.contains("(--images, --hidden)"), "{e}");
        let e = fails(descent_data_within(&["gradcheck", "--images", "200", "--hidden", "300"], t), 2);
        assert!(e.contains("multiply-adds"), "{e}");
    }

    /// Item 2: steps × coordinates of gradient-method were not capped; 100
    /// coordinates × 1000000 steps with --json reached 6 GB. A path beyond the
    /// budget is refused at once; one within it runs within the budget.
    ///
    /// Linux only: the run within the budget is checked under `ulimit -v`.
    #[cfg(target_os = "linux")]
    #[test]
    fn gradient_method_paths_stay_within_the_budget() {
        let thousand = vec!["1"; 1000].join(",");
        let out = descent_within(
            &["gradient-method", "--init", &thousand, "--steps", "1000000", "--json"],
            Duration::from_secs(20),
        );
        let v = json_error(out, 2);
        let m = v["error"]["message"].as_str().unwrap();
        assert!(m.contains("recording the path of 1000000 steps of 1000 coordinates needs about 8.05 GB"), "{m}");
        let hundred = vec!["1"; 100].join(",");
        let e = fails(descent(&["gradient-method", "--init", &hundred, "--steps", "1000000", "--history"]), 2);
        assert!(e.contains("with --history needs about") && e.contains("use --json"), "{e}");
        // The case (it reached 6 GB) runs within the budget: its 2.2 GB of JSON go to /dev/null.
        let kib = ((BUDGET >> 10) + (512 << 10)).to_string();
        let script = "ulimit -v \"$1\" && exec \"$2\" gradient-method --init \"$3\" --steps 1000000 --json > /dev/null";
        let out = Command::new("sh")
            .args(["-c", script, "sh", &kib, env!("CARGO_BIN_EXE_descent"), &hundred])
            .output()
            .unwrap();
        assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// A path within the memory budget can still run for hours: 20000
    /// coordinates × 10000 steps is 8·10¹² multiply-adds of numerical gradient
    /// (it ran for over 2 hours). Refused at once, saying which flags to lower.
    #[test]
    fn gradient_method_that_would_run_for_hours_is_refused() {
        let coords = vec!["1"; 20000].join(",");
        let t = Duration::from_secs(60);
        let out = descent_within(&["gradient-method", "--init", &coords, "--steps", "10000"], t);
        let e = fails(out, 2);
        assert!(e.contains("10000 steps on 20000 coordinates need about 8.0e12 multiply-adds"), "{e}");
        assert!(e.contains("hours here") && e.contains("lower --steps (at most 750 with these coordinates)"), "{e}");
        assert!(e.contains("or the coordinates of --init"), "{e}");
        // The memory is still checked first, with its own message.
        let e = fails(descent_within(&["gradient-method", "--init", &coords, "--steps", "100000"], t), 2);
        assert!(e.contains("recording the path of 100000 steps of 20000 coordinates needs about"), "{e}");
    }

    /// Item 5: in f64, lr 1e20 trained on at losses of 5–15 without a word.
    #[test]
    fn a_run_that_is_not_learning_is_warned_about_once_and_at_the_end() {
        let out = descent_data(&["train", "--lr", "1e20", "--iters", "700", "--json"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let lines = json_lines(out);
        let warnings: Vec<Value> = stderr.lines().map(|l| serde_json::from_str(l).expect("JSON on stderr")).collect();
        assert_eq!(warnings.len(), 1, "{stderr}");
        let w = &warnings[0];
        assert_eq!(w["kind"], "not_learning");
        assert_eq!(w["iter"], 601, "past the first epoch (600 iterations)");
        assert!(f(&w["recent_loss"]) > 1.5 * 10f64.ln(), "{w}");
        let message = w["warning"].as_str().unwrap();
        assert!(message.starts_with("the network is not learning") && message.contains("learning rate"), "{w}");
        assert_eq!(lines.last().unwrap()["warning"], message, "repeated in the final object");

        let out = descent_data(&["train", "--lr", "1e307", "--iters", "700"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let stdout = ok(out);
        assert_eq!(stderr.matches("descent: warning: the network is not learning").count(), 1, "{stderr}");
        assert!(stdout.lines().last().unwrap().starts_with("warning: the network is not learning"), "{stdout}");
        // The help says so (it said warnings go to stderr, only).
        let help = ok(descent(&["--help"]));
        assert!(!help.contains("errors and warnings on stderr"), "{help}");
        assert!(help.contains("A warning goes to stderr when it happens, and train\nrepeats it at the end of its results on stdout (a last line `warning: …`"), "{help}");
        let help = ok(descent(&["train", "--help"]));
        assert!(help.contains("repeats it at the end of its results on stdout: a last line `warning: …`"), "{help}");

        // A run that learns gets no warning.
        let out = descent_data(&["train", "--lr", "1", "--iters", "700", "--json"]);
        assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(json_lines(out).last().unwrap().get("warning").is_none());
    }

    /// Item 6: with --json, every error is one JSON object on stderr.
    #[test]
    fn json_errors_are_one_object_on_stderr() {
        let v = json_error(descent(&["train", "--lr", "-1", "--json"]), 2);
        assert_eq!(v["error"]["field"], "lr");
        assert_eq!(v["error"]["help"], "descent train --help");
        assert!(v["error"]["message"].as_str().unwrap().starts_with("lr: the learning rate must be"), "{v}");
        let v = json_error(descent(&["train", "--json", "--itres", "5"]), 2);
        assert!(v["error"]["message"].as_str().unwrap().contains("did you mean --iters?"), "{v}");
        assert!(v["error"].get("field").is_none(), "{v}");
        let missing = scratch("json-missing").join("nope");
        let v = json_error(descent(&["gradcheck", "--json", "--data", missing.to_str().unwrap()]), 1);
        assert!(v["error"]["message"].as_str().unwrap().contains("does not exist"), "{v}");
        // A flag's value that reads "--json" does not switch JSON on.
        let out = descent(&["train", "--out", "--json", "--lr", "-1"]);
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("descent: error: lr:"));
    }

    /// Item 6: --out is checked before training, and a file is not a folder.
    #[test]
    fn out_is_checked_before_training() {
        let file = scratch("out-file").join("results");
        std::fs::write(&file, "mine").unwrap();
        let out = descent_data(&["train", "--iters", "300", "--out", file.to_str().unwrap()]);
        assert!(out.stdout.is_empty(), "nothing trained");
        let e = fails(out, 1);
        assert!(e.contains("is a file, not a folder"), "{e}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine", "the file is untouched");

        // loss.csv is a folder: found before training, not after it.
        let dir = scratch("out-blocked");
        std::fs::create_dir(dir.join("loss.csv")).unwrap();
        std::fs::write(dir.join("accuracy.csv"), "earlier run").unwrap();
        let out = descent_data(&["train", "--iters", "300", "--json", "--out", dir.to_str().unwrap()]);
        assert!(out.stdout.is_empty(), "nothing trained: {}", String::from_utf8_lossy(&out.stdout));
        let v = json_error(out, 1);
        assert!(v["error"]["message"].as_str().unwrap().contains("loss.csv is a folder"), "{v}");
        assert_eq!(std::fs::read_to_string(dir.join("accuracy.csv")).unwrap(), "earlier run", "nothing overwritten");
        assert!(!dir.join("loss.svg").exists(), "the probe files are removed");
    }

    /// Item 6: `loss --y -5,2` printed nan; `gradient-1d --x 1e308` printed NaN; both with exit 0.
    #[test]
    fn chapter_commands_say_why_instead_of_printing_nan() {
        let e = fails(descent(&["loss", "--y", "-5,2", "--t", "0"]), 2);
        assert!(e.contains("--y: element 0 is -5.0, but y holds probabilities"), "{e}");
        assert!(e.contains("as y[0], the probability of the label --t 0, it would make the cross entropy nan"), "{e}");
        // The cross entropy reads only y[t]: a bad element elsewhere is refused without a false claim about it.
        let e = fails(descent(&["loss", "--y", "0.5,2", "--t", "0"]), 2);
        assert!(
            e.contains(
                "--y: element 1 is 2.0, but y holds probabilities (the network's softmax output), each from 0 to 1\n"
            ),
            "{e}"
        );
        assert!(!e.contains("negative") && !e.contains("cross entropy"), "{e}");
        let e = fails(descent(&["loss", "--y", "0.5,2", "--t", "1"]), 2);
        assert!(
            e.contains("as y[1], the probability of the label --t 1, it would make the cross entropy negative ("),
            "{e}"
        );
        let e = fails(descent(&["gradient-1d", "--x", "1e308"]), 2);
        assert!(e.contains("--x 1e+308") && e.contains("overflows f64"), "{e}");
        let e = fails(descent(&["gradient-1d", "--x", "1e13"]), 2);
        assert!(e.contains("rounds back to x"), "{e}");
        // Still computed where f64 can: 1e6 gives 0.02·x + 0.1 to a few digits.
        let j = json(descent(&["gradient-1d", "--x", "1e6", "--json"]));
        assert!((f(&j["derivative"]) - 20000.1).abs() < 0.1, "{j}");
        let s = ok(descent(&["gradient-method", "--lr", "1e200", "--steps", "5"]));
        assert!(s.contains("x overflowed f64 at step 2"), "{s}");
    }
}

/// Issue 14: `--seed random` draws a fresh seed and prints it; the printed
/// seed makes the same run again.
mod random_seed {
    use super::*;

    #[test]
    fn train_draws_a_seed_and_the_printed_seed_reproduces_the_run() {
        let run = |seed: &str| json_lines(descent_data(&["train", "--iters", "300", "--seed", seed, "--json"]));
        let (a, b) = (run("random"), run("random"));
        let seed = |lines: &[Value]| lines.last().unwrap()["seed"].as_u64().expect("the final object has the seed");
        let (sa, sb) = (seed(&a), seed(&b));
        assert_ne!(sa, sb, "two runs draw two seeds");
        assert!(sa < 1 << 53 && sb < 1 << 53, "{sa} {sb}: a seed survives JSON read by JavaScript");
        let again = run(&sa.to_string());
        assert_eq!(a[..a.len() - 1], again[..again.len() - 1], "the evaluations, to the last digit");
        for k in ["train_acc", "test_acc", "seed"] {
            assert_eq!(a.last().unwrap()[k], again.last().unwrap()[k], "final {k}");
        }
        // The default seed is in the final object too.
        assert_eq!(seed(&json_lines(descent_data(&["train", "--iters", "1", "--json"]))), 42);
        // In text, the first line says which seed was drawn, and the run's header uses it.
        let s = ok(descent_data(&["train", "--iters", "1", "--seed", "random"]));
        let first = s.lines().next().unwrap();
        let n = first.strip_prefix("seed ").expect("a first line `seed N`");
        assert!(n.parse::<u64>().is_ok() && s.contains(&format!(", seed {n};")), "{s}");
    }

    #[test]
    fn simplenet_and_gradcheck_take_random_too() {
        let s = ok(descent(&["simplenet", "--seed", "random"]));
        let (first, rest) = s.split_once('\n').unwrap();
        let n = first.strip_prefix("seed ").expect("a first line `seed N`");
        assert_eq!(ok(descent(&["simplenet", "--seed", n])), rest, "the printed seed gives the same W");
        let a = json(descent(&["simplenet", "--seed", "random", "--json"]));
        let b = json(descent(&["simplenet", "--seed", "random", "--json"]));
        assert_ne!(a["seed"], b["seed"]);
        assert_eq!(a["W"], json(descent(&["simplenet", "--seed", &a["seed"].to_string(), "--json"]))["W"]);
        let j = json(descent_data(&["gradcheck", "--images", "1", "--hidden", "2", "--seed", "random", "--json"]));
        let again = json(descent_data(&[
            "gradcheck",
            "--images",
            "1",
            "--hidden",
            "2",
            "--seed",
            &j["seed"].to_string(),
            "--json",
        ]));
        assert_eq!(j["params"], again["params"]);
        for bad in ["rand", "-1", "9007199254740992"] {
            let e = fails(descent(&["train", "--seed", bad]), 2);
            assert!(e.contains("--seed") || e.contains("seed:"), "{bad}: {e}");
        }
    }
}

/// Issue 14: the training flags' help comes from the core's schema: its hint, bounds and default.
#[test]
fn train_help_shows_the_schemas_bounds_and_defaults() {
    let h = ok(descent(&["train", "--help"]));
    for line in [
        "gradient steps in the run: a whole number from 1 to 10,000,000 (default 10,000)",
        "neurons in the hidden layer: a whole number from 1 to 10,000 (default 50)",
        "step size η of each update: a positive, finite number (default 0.1)",
        "images per mini-batch: a whole number from 1 to the training set's size (default 100)",
        "spread of the random start weights: a finite number ≥ 0 (default 0.01)",
        "same seed, same run: a whole number from 0 to 9,007,199,254,740,991 (default 42)",
    ] {
        assert!(h.contains(line), "{line}\n{h}");
    }
}
