//! Run results and their reports: a JSON report and JUnit XML.

use serde::Serialize;

/// The result of one vector.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The suite.
    pub suite: String,
    /// The vector's id.
    pub id: String,
    /// Its file, relative to the vectors directory.
    pub file: String,
    /// The requirements it checks.
    pub requirements: Vec<String>,
    /// What it is about.
    pub description: String,
    /// Whether the implementation did what the vector expects.
    pub passed: bool,
    /// What differed, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Time taken.
    pub seconds: f64,
}

/// The results of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// One per vector, in run order.
    pub outcomes: Vec<Outcome>,
}

/// Version of the JSON report's shape.
pub const REPORT_FORMAT: u32 = 1;

impl Report {
    /// Vectors that passed.
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.passed).count()
    }

    /// Vectors that failed.
    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed()
    }

    /// The closing summary line.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }

    /// The JSON report: format version, totals, per-suite totals, every outcome.
    pub fn to_json(&self) -> serde_json::Value {
        let mut suites = serde_json::Map::new();
        for outcome in &self.outcomes {
            let entry = suites
                .entry(outcome.suite.clone())
                .or_insert_with(|| serde_json::json!({"passed": 0, "failed": 0}));
            let key = if outcome.passed { "passed" } else { "failed" };
            entry[key] = (entry[key].as_u64().unwrap_or(0) + 1).into();
        }
        serde_json::json!({
            "format": REPORT_FORMAT,
            "implementation": "brasa",
            "passed": self.passed(),
            "failed": self.failed(),
            "suites": suites,
            "outcomes": self.outcomes,
        })
    }

    /// JUnit XML: one `<testsuite>` per suite, one `<testcase>` per vector.
    pub fn to_junit(&self) -> String {
        let mut suites: Vec<&str> = Vec::new();
        for o in &self.outcomes {
            if !suites.contains(&o.suite.as_str()) {
                suites.push(&o.suite);
            }
        }
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml += &format!(
            "<testsuites name=\"brasa-conformance\" tests=\"{}\" failures=\"{}\">\n",
            self.outcomes.len(),
            self.failed()
        );
        for suite in suites {
            let cases: Vec<&Outcome> = self.outcomes.iter().filter(|o| o.suite == suite).collect();
            let failures = cases.iter().filter(|o| !o.passed).count();
            let time: f64 = cases.iter().map(|o| o.seconds).sum();
            xml += &format!(
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" time=\"{time:.6}\">\n",
                escape(suite),
                cases.len()
            );
            for case in cases {
                xml += &format!(
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6}\"",
                    escape(suite),
                    escape(&case.id),
                    case.seconds
                );
                match &case.message {
                    Some(message) if !case.passed => {
                        xml += &format!(
                            ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                            escape(message),
                            escape(&format!(
                                "{}\nrequirements: {}",
                                case.description,
                                case.requirements.join(" ")
                            ))
                        );
                    }
                    _ => xml += "/>\n",
                }
            }
            xml += "  </testsuite>\n";
        }
        xml += "</testsuites>\n";
        xml
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push_str(&format!("&#x{:x};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(id: &str, passed: bool) -> Outcome {
        Outcome {
            suite: "render-batch".into(),
            id: id.into(),
            file: format!("{id}.json"),
            requirements: vec!["RB-1.2".into()],
            description: "a <case> & \"quotes\"".into(),
            passed,
            message: (!passed).then(|| "expected <a> got \"b\"".into()),
            seconds: 0.001,
        }
    }

    #[test]
    fn junit_counts_failures_and_escapes_text() {
        let report = Report {
            outcomes: vec![outcome("a", true), outcome("b", false)],
        };
        let xml = report.to_junit();
        assert!(
            xml.contains("<testsuites name=\"brasa-conformance\" tests=\"2\" failures=\"1\">"),
            "{xml}"
        );
        assert!(
            xml.contains("<failure message=\"expected &lt;a&gt; got &quot;b&quot;\">"),
            "{xml}"
        );
        assert!(xml.contains("a &lt;case&gt; &amp; &quot;quotes&quot;"), "{xml}");
        assert_eq!(xml.matches("<testcase ").count(), 2);
    }

    #[test]
    fn json_report_totals_per_suite() {
        let report = Report {
            outcomes: vec![outcome("a", true), outcome("b", false), outcome("c", true)],
        };
        let json = report.to_json();
        assert_eq!(json["passed"], 2);
        assert_eq!(json["failed"], 1);
        assert_eq!(json["suites"]["render-batch"]["failed"], 1);
        assert_eq!(json["outcomes"][1]["message"], "expected <a> got \"b\"");
        assert_eq!(report.summary(), "2 passed, 1 failed");
    }
}
