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

    /// JUnit XML: one `<testsuite>` per suite (in run order), one `<testcase>` per vector, a
    /// `<failure>` with the message and, as its text, the description and requirements for each
    /// vector that failed. Written by `quick-junit`, which escapes markup and drops what XML 1.0
    /// cannot hold (control characters; with terminal escape sequences, tabs too).
    pub fn to_junit(&self) -> String {
        use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
        let mut report = quick_junit::Report::new("brasa-conformance");
        let mut suites: Vec<TestSuite> = Vec::new();
        for o in &self.outcomes {
            let status = if o.passed {
                TestCaseStatus::success()
            } else {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_message(o.message.as_deref().unwrap_or("failed"))
                    .set_description(format!("{}\nrequirements: {}", o.description, o.requirements.join(" ")));
                status
            };
            let mut case = TestCase::new(o.id.as_str(), status);
            let time = std::time::Duration::try_from_secs_f64(o.seconds).unwrap_or_default();
            case.set_classname(o.suite.as_str()).set_time(time);
            let suite = match suites.iter().position(|s| s.name.as_str() == o.suite) {
                Some(i) => &mut suites[i],
                None => {
                    suites.push(TestSuite::new(o.suite.as_str()));
                    suites.last_mut().expect("just pushed")
                }
            };
            suite.add_test_case(case);
            let total = suite.time.unwrap_or_default() + time;
            suite.set_time(total);
        }
        report.add_test_suites(suites);
        // Writing to a `Vec` cannot fail, and every string went through `XmlString`.
        report.to_string().unwrap_or_default()
    }
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
    fn junit_has_a_suite_per_suite_a_case_per_vector_and_a_failure_per_failed_one() {
        let mut other = outcome("h1", false);
        other.suite = "hub".into();
        other.seconds = 0.25;
        let report = Report {
            outcomes: vec![outcome("a", true), other, outcome("b", false), outcome("c", true)],
        };
        let xml = report.to_junit();
        let read = quick_junit::Report::deserialize_from_str(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
        assert_eq!(read.name.as_str(), "brasa-conformance");
        assert_eq!((read.tests, read.failures), (4, 2));
        // The suites in the order they first ran, each with its own cases and counts.
        let suites: Vec<(&str, usize, usize)> = read
            .test_suites
            .iter()
            .map(|s| (s.name.as_str(), s.tests, s.failures))
            .collect();
        assert_eq!(suites, [("render-batch", 3, 1), ("hub", 1, 1)]);
        assert_eq!(read.test_suites[1].time, Some(std::time::Duration::from_millis(250)));
        let cases = &read.test_suites[0].test_cases;
        let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(cases.iter().all(|c| c.classname.as_deref() == Some("render-batch")));
        assert!(matches!(cases[0].status, quick_junit::TestCaseStatus::Success { .. }));
        let quick_junit::TestCaseStatus::NonSuccess {
            kind,
            message,
            description,
            ..
        } = &cases[1].status
        else {
            panic!("b failed: {xml}");
        };
        assert_eq!(*kind, quick_junit::NonSuccessKind::Failure);
        // Markup in the message and description comes back as written.
        assert_eq!(message.as_deref(), Some("expected <a> got \"b\""));
        assert_eq!(
            description.as_deref(),
            Some("a <case> & \"quotes\"\nrequirements: RB-1.2")
        );
        assert!(xml.contains("expected &lt;a&gt;"), "{xml}");
    }

    #[test]
    fn junit_holds_only_characters_xml_allows() {
        // XML 1.0 has no form at all (not even `&#x1;`) for control characters other than tab
        // and line breaks; a failure message or a vector's text may hold them (an id or a
        // description read from a vector file, a decoded string in a message).
        let mut bad = outcome("ctl\u{1}id", false);
        bad.message = Some("got \u{0}\u{8}\u{b}\u{1b}[31mred\u{1b}[0m and \u{1f}".into());
        bad.description = "tab\there\u{c}".into();
        let xml = Report { outcomes: vec![bad] }.to_junit();
        let allowed =
            |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
        assert!(xml.chars().all(allowed), "{xml:?}");
        assert!(!xml.contains("&#"), "{xml:?}");
        let read = quick_junit::Report::deserialize_from_str(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
        let case = &read.test_suites[0].test_cases[0];
        assert_eq!(case.name.as_str(), "ctlid");
        let quick_junit::TestCaseStatus::NonSuccess {
            message, description, ..
        } = &case.status
        else {
            panic!("{xml}");
        };
        assert_eq!(message.as_deref(), Some("got red and "));
        // (Tabs go too: quick-junit's removal of terminal escapes takes them; line breaks stay.)
        assert_eq!(description.as_deref(), Some("tabhere\nrequirements: RB-1.2"));
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
