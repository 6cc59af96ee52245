//! One test trial per conformance vector (`conformance/vectors/`), run against Brasa.

use brasa_conformance::{SUITES, default_vectors_dir, load_suite, run_vector};
use libtest_mimic::{Arguments, Trial};

fn main() {
    let args = Arguments::from_args();
    let dir = default_vectors_dir();
    let mut trials = Vec::new();
    for suite in SUITES {
        match load_suite(&dir, suite) {
            Ok(vectors) => {
                for loaded in vectors {
                    let name = loaded.vector.id.clone();
                    trials.push(Trial::test(name, move || {
                        run_vector(suite, &loaded).map_err(Into::into)
                    }));
                }
            }
            Err(e) => {
                let message = e.to_string();
                trials.push(Trial::test(format!("{suite}: load"), move || Err(message.into())));
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
