//! `brasa load`: the command line of the load generator in `brasa_benches::load`.

use std::sync::LazyLock;

use brasa_benches::load::LoadOptions;

/// The library's defaults, which the options below take as theirs.
static DEFAULTS: LazyLock<LoadOptions> = LazyLock::new(|| LoadOptions::new(""));

/// The options of `brasa load`.
#[derive(clap::Args, Debug, Clone)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["idle", "users"])))]
pub struct LoadArgs {
    /// The server: `http://HOST:PORT`.
    pub url: String,
    /// Start this many circuits, hold them idle and report the server's memory per circuit.
    #[arg(long, value_name = "N", conflicts_with_all = ["users", "clicks"])]
    pub idle: Option<usize>,
    /// Users clicking back to back (with --clicks).
    #[arg(long, value_name = "N", requires = "clicks")]
    pub users: Option<usize>,
    /// Clicks per user (with --users).
    #[arg(long, value_name = "N", requires = "users")]
    pub clicks: Option<usize>,
    /// The page each user loads.
    #[arg(long, value_name = "PATH", default_value_t = DEFAULTS.page.clone())]
    pub page: String,
    /// The id of the element clicked (its `onclick` handler).
    #[arg(long, value_name = "ID", default_value_t = DEFAULTS.element.clone())]
    pub element: String,
    /// The server's process id: its RSS (`/proc/PID/status`) is measured.
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Spread the WebSocket connections over this many source addresses 127.0.0.1, 127.0.0.2,
    /// ... (loopback targets only; each address has its own ~28,000 ephemeral ports). Default:
    /// one address per 20,000 circuits.
    #[arg(long, value_name = "N")]
    pub source_addresses: Option<u8>,
    /// Circuits being started at the same time.
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.concurrency)]
    pub concurrency: usize,
    /// Idle mode: seconds to wait after the last circuit started before reading the RSS.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULTS.settle)]
    pub settle: f64,
    /// Client threads (1: one event loop, as the Node harness).
    #[arg(long, value_name = "N", default_value_t = DEFAULTS.threads)]
    pub threads: usize,
    /// Seconds to wait for any one answer (a page, the circuit start, a click's batch).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULTS.timeout)]
    pub timeout: u64,
    /// The client's WebSocket read buffer per connection, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULTS.ws_buffer)]
    pub ws_buffer: usize,
}

impl LoadArgs {
    /// The run these arguments ask for.
    pub fn options(&self) -> LoadOptions {
        LoadOptions {
            url: self.url.clone(),
            idle: self.idle,
            users: self.users,
            clicks: self.clicks,
            page: self.page.clone(),
            element: self.element.clone(),
            server_pid: self.server_pid,
            source_addresses: self.source_addresses,
            concurrency: self.concurrency,
            settle: self.settle,
            threads: self.threads,
            timeout: self.timeout,
            ws_buffer: self.ws_buffer,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        load: LoadArgs,
    }

    fn parse(args: &[&str]) -> Result<LoadOptions, clap::Error> {
        Command::try_parse_from(std::iter::once("load").chain(args.iter().copied())).map(|c| c.load.options())
    }

    /// The command line's defaults are the library's, so that `brasa load` and a program calling
    /// `brasa_benches::load::run` with `LoadOptions::new` run the same thing.
    #[test]
    fn the_command_lines_defaults_are_the_librarys() {
        let parsed = parse(&["http://127.0.0.1:5000", "--idle", "10"]).unwrap();
        let mut expected = LoadOptions::new("http://127.0.0.1:5000");
        expected.idle = Some(10);
        assert_eq!(parsed, expected);
    }

    #[test]
    fn every_option_reaches_the_library() {
        let parsed = parse(&[
            "http://h:1",
            "--users",
            "3",
            "--clicks",
            "7",
            "--page",
            "/big",
            "--element",
            "run",
            "--server-pid",
            "42",
            "--source-addresses",
            "4",
            "--concurrency",
            "9",
            "--settle",
            "0.5",
            "--threads",
            "2",
            "--timeout",
            "11",
            "--ws-buffer",
            "8192",
        ])
        .unwrap();
        let expected = LoadOptions {
            url: "http://h:1".into(),
            idle: None,
            users: Some(3),
            clicks: Some(7),
            page: "/big".into(),
            element: "run".into(),
            server_pid: Some(42),
            source_addresses: Some(4),
            concurrency: 9,
            settle: 0.5,
            threads: 2,
            timeout: 11,
            ws_buffer: 8192,
        };
        assert_eq!(parsed, expected);
    }

    #[test]
    fn a_mode_is_required_and_the_two_modes_exclude_each_other() {
        assert!(parse(&["http://h:1"]).is_err());
        assert!(parse(&["http://h:1", "--idle", "1", "--users", "1", "--clicks", "1"]).is_err());
        assert!(parse(&["http://h:1", "--users", "1"]).is_err());
    }
}
