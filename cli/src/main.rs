//! `brasa`: the command-line program of the Brasa project.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use brasa_protocol::hub;
use brasa_protocol::render_batch::{self, Limits, RenderBatch};
use clap::{Parser, Subcommand};

mod load;
mod serve;

/// Brasa: the specification, reference implementation and conformance suite of Blazor's
/// render-batch and event protocol.
#[derive(Parser)]
#[command(name = "brasa", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a render batch and print its canonical JSON form (spec/render-batch.md §7).
    ///
    /// On invalid input, exits with status 1 and prints the error kind, the byte offset and the
    /// requirement id on stderr.
    Decode {
        /// Read hex text (either case; whitespace ignored) instead of binary.
        #[arg(long)]
        hex: bool,
        /// Print a human-readable listing instead of JSON.
        #[arg(long)]
        text: bool,
        /// The batch; `-` or nothing for standard input.
        file: Option<PathBuf>,
    },
    /// Read a canonical JSON form and write the exact bytes of the render batch.
    Encode {
        /// Write lower-case hex with one final newline instead of binary.
        #[arg(long)]
        hex: bool,
        /// Check the bytes with the strict reader before writing them: a JSON form that encodes
        /// to a batch the reader rejects (RB-6.3: an unbalanced StepIn, a frame index out of
        /// range, a frame no edit refers to, ...) is an error naming the rule and the byte offset,
        /// and nothing is written. Without it such forms are encoded as they are (for invalid
        /// test vectors).
        #[arg(long)]
        strict: bool,
        /// The JSON form; `-` or nothing for standard input.
        file: Option<PathBuf>,
    },
    /// Decode and encode SignalR hub messages (JSON and MessagePack protocols).
    Hub {
        #[command(subcommand)]
        command: HubCommand,
    },
    /// Run and manage the conformance vectors.
    Conformance {
        #[command(subcommand)]
        command: ConformanceCommand,
    },
    /// Render each tree of a diff case in turn (root component 0) and print each batch as hex.
    ///
    /// The case format is `../shared/reference/diff-cases/README.md`: `{"trees": [...]}`; one
    /// line per render, the batch's bytes as lower-case hex, nothing else on stdout.
    RenderTrees {
        /// The case file; `-` or nothing for standard input.
        file: Option<PathBuf>,
    },
    /// Apply render batches in order to an empty document and print the root's HTML.
    ///
    /// Root component 0 is attached to a root element; the output is that element's content as
    /// a browser serialises `innerHTML`. Errors go to stderr with exit status 1.
    Apply {
        /// The files hold hex text (either case; whitespace ignored) instead of binary.
        #[arg(long)]
        hex: bool,
        /// The batches, in the order they are applied.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a JSON Schema: `render-batch` (the canonical form), `vector` (a byte-level
    /// conformance vector file), `semantic-vector` (a semantics vector file), or `events/NAME` (an
    /// event descriptor or event-args family: `events/list` lists them).
    Schema {
        /// Which schema.
        name: String,
    },
    /// Serve an app over Blazor Server's protocol (the page, the client script, `/_blazor`).
    Serve(serve::ServeArgs),
    /// Load a Blazor Server host with protocol-level users: memory per idle circuit, or clicks
    /// per second and click-to-batch latency.
    ///
    /// Each user starts a circuit as blazor.web.js does (the page's markers and state, negotiate,
    /// the blazorpack WebSocket, StartCircuit, UpdateRootComponents, acknowledgements). Progress
    /// goes to stderr, the report to stdout; exits with status 1 when a circuit failed or a click
    /// went unanswered.
    Load(load::LoadArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum HubProtocolArg {
    Json,
    Messagepack,
}

impl From<HubProtocolArg> for hub::Protocol {
    fn from(p: HubProtocolArg) -> Self {
        match p {
            HubProtocolArg::Json => hub::Protocol::Json,
            HubProtocolArg::Messagepack => hub::Protocol::MessagePack,
        }
    }
}

#[derive(Subcommand)]
enum HubCommand {
    /// Read framed hub messages and print each in its readable JSON form, one per line.
    ///
    /// MessagePack: each message behind its variable-length size prefix; JSON: each ended by
    /// 0x1E. A truncated or malformed frame exits with status 1, the error kind and byte offset
    /// on stderr (spec/hub.md).
    Decode {
        /// The hub protocol.
        #[arg(long, value_enum)]
        protocol: HubProtocolArg,
        /// Read hex text (either case; whitespace ignored) instead of binary.
        #[arg(long)]
        hex: bool,
        /// Largest message accepted, in bytes.
        #[arg(long, default_value_t = 128 * 1024 * 1024)]
        max_message_size: usize,
        /// The frames; `-` or nothing for standard input.
        file: Option<PathBuf>,
    },
    /// Read readable messages (JSON values one after another, or one array of them) and write
    /// the framed bytes.
    Encode {
        /// The hub protocol.
        #[arg(long, value_enum)]
        protocol: HubProtocolArg,
        /// Write lower-case hex with one final newline instead of binary.
        #[arg(long)]
        hex: bool,
        /// The readable messages; `-` or nothing for standard input.
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ConformanceCommand {
    /// Run the vector suites, print one line per failure and a closing `N passed, N failed`.
    ///
    /// Exits with status 1 when any vector fails.
    Run {
        /// Run only this suite (repeatable); all suites by default.
        #[arg(long = "suite", value_name = "NAME")]
        suites: Vec<String>,
        /// Write `report.json` and `junit.xml` into this directory.
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// Where the vectors are (default: the ones shipped with Brasa).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
    },
    /// List the suites and how many vectors each holds.
    List {
        /// Where the vectors are (default: the ones shipped with Brasa).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
    },
}

fn read_input(file: Option<&PathBuf>) -> anyhow::Result<Vec<u8>> {
    match file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
        }
        _ => {
            let mut data = Vec::new();
            std::io::stdin()
                .read_to_end(&mut data)
                .context("cannot read standard input")?;
            Ok(data)
        }
    }
}

/// Parses hex text: either case, ASCII whitespace anywhere ignored.
fn parse_hex(text: &[u8]) -> anyhow::Result<Vec<u8>> {
    let digits: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        bail!("hex input has an odd number of digits ({})", digits.len());
    }
    let value = |d: u8, at: usize| -> anyhow::Result<u8> {
        (d as char)
            .to_digit(16)
            .map(|v| v as u8)
            .with_context(|| format!("not a hex digit: {:?} (digit {at})", d as char))
    };
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| Ok(value(pair[0], 2 * i)? << 4 | value(pair[1], 2 * i + 1)?))
        .collect()
}

fn write_bytes(out: &mut impl Write, bytes: &[u8], hex: bool) -> anyhow::Result<()> {
    if hex {
        let mut text = String::with_capacity(bytes.len() * 2 + 1);
        for b in bytes {
            text.push_str(&format!("{b:02x}"));
        }
        text.push('\n');
        out.write_all(text.as_bytes()).context("cannot write")
    } else {
        out.write_all(bytes).context("cannot write")
    }
}

enum Failure {
    /// Invalid input: message already printed.
    Invalid,
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

/// A render-batch error as `decode` and `encode --strict` print it: the kind, the byte offset, the
/// requirement id, then the details.
fn describe_decode_error(e: &render_batch::DecodeError) -> String {
    format!(
        "{} at byte offset {} ({}): {}",
        e.kind.name(),
        e.offset,
        e.requirement,
        e.kind
    )
}

fn run(cli: Cli) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Decode { hex, text, file } => {
            let raw = read_input(file.as_ref())?;
            let bytes = if hex { parse_hex(&raw)? } else { raw };
            let batch = match render_batch::validate(&bytes, &Limits::DEFAULT) {
                Ok(view) => view.to_owned_batch(),
                Err(e) => {
                    eprintln!("brasa: invalid render batch: {}", describe_decode_error(&e));
                    return Err(Failure::Invalid);
                }
            };
            if text {
                stdout
                    .write_all(render_batch::describe(&batch).as_bytes())
                    .context("cannot write")?;
            } else {
                serde_json::to_writer_pretty(&mut stdout, &batch).context("cannot write")?;
                stdout.write_all(b"\n").context("cannot write")?;
            }
        }
        Command::Encode { hex, strict, file } => {
            let raw = read_input(file.as_ref())?;
            let batch: RenderBatch = match serde_json::from_slice(&raw) {
                Ok(batch) => batch,
                Err(e) => {
                    // serde_json's message ends with the line and column.
                    eprintln!("brasa: invalid canonical JSON form (RB-6.1): {e}");
                    return Err(Failure::Invalid);
                }
            };
            let bytes = render_batch::try_encode(&batch).map_err(anyhow::Error::from)?;
            if strict && let Err(e) = render_batch::validate(&bytes, &Limits::DEFAULT) {
                eprintln!(
                    "brasa: the JSON form encodes to a batch the strict reader rejects (RB-6.3): {}",
                    describe_decode_error(&e)
                );
                return Err(Failure::Invalid);
            }
            write_bytes(&mut stdout, &bytes, hex)?;
        }
        Command::Hub {
            command:
                HubCommand::Decode {
                    protocol,
                    hex,
                    max_message_size,
                    file,
                },
        } => {
            let raw = read_input(file.as_ref())?;
            let bytes = if hex { parse_hex(&raw)? } else { raw };
            match hub::decode_all(protocol.into(), &bytes, max_message_size) {
                Ok(messages) => {
                    for message in &messages {
                        writeln!(stdout, "{}", hub::readable_json(message)).context("cannot write")?;
                    }
                }
                Err(e) => {
                    eprintln!(
                        "brasa: invalid hub message: {} at byte offset {} ({}): {}",
                        e.kind.name(),
                        e.offset,
                        e.requirement,
                        e.kind
                    );
                    return Err(Failure::Invalid);
                }
            }
        }
        Command::Hub {
            command: HubCommand::Encode { protocol, hex, file },
        } => {
            let raw = read_input(file.as_ref())?;
            let mut out = Vec::new();
            let mut values = Vec::new();
            for value in serde_json::Deserializer::from_slice(&raw).into_iter::<hub::Value>() {
                match value {
                    Ok(hub::Value::Array(items)) => values.extend(items),
                    Ok(value) => values.push(value),
                    Err(e) => {
                        eprintln!("brasa: invalid readable message (HUB-4.1): {e}");
                        return Err(Failure::Invalid);
                    }
                }
            }
            for (index, value) in values.iter().enumerate() {
                let encoded = hub::from_readable(value, 0).and_then(|m| hub::encode(protocol.into(), &m, &mut out));
                if let Err(e) = encoded {
                    eprintln!(
                        "brasa: message {index}: {} ({}): {}",
                        e.kind.name(),
                        e.requirement,
                        e.kind
                    );
                    return Err(Failure::Invalid);
                }
            }
            write_bytes(&mut stdout, &out, hex)?;
        }
        Command::Conformance {
            command:
                ConformanceCommand::Run {
                    suites,
                    report,
                    vectors,
                },
        } => {
            let dir = vectors.unwrap_or_else(brasa_conformance::default_vectors_dir);
            let result = brasa_conformance::run(&dir, &suites).map_err(anyhow::Error::from)?;
            for outcome in result.outcomes.iter().filter(|o| !o.passed) {
                writeln!(
                    stdout,
                    "FAIL {} [{}]: {}",
                    outcome.id,
                    outcome.requirements.join(" "),
                    outcome.message.as_deref().unwrap_or("")
                )
                .context("cannot write")?;
            }
            if let Some(dir) = report {
                std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
                let json = serde_json::to_string_pretty(&result.to_json()).context("cannot serialise report")?;
                std::fs::write(dir.join("report.json"), json + "\n").context("cannot write report.json")?;
                std::fs::write(dir.join("junit.xml"), result.to_junit()).context("cannot write junit.xml")?;
            }
            writeln!(stdout, "{}", result.summary()).context("cannot write")?;
            if result.failed() > 0 {
                return Err(Failure::Invalid);
            }
        }
        Command::Conformance {
            command: ConformanceCommand::List { vectors },
        } => {
            let dir = vectors.unwrap_or_else(brasa_conformance::default_vectors_dir);
            for suite in brasa_conformance::SUITES {
                let count = brasa_conformance::load_suite(&dir, suite)
                    .map_err(anyhow::Error::from)?
                    .len();
                writeln!(stdout, "{suite}: {count} vectors").context("cannot write")?;
            }
        }
        Command::Serve(args) => serve::run(args)?,
        Command::Load(args) => {
            let report = brasa_benches::load::run(&args.options()).map_err(anyhow::Error::from)?;
            if args.json {
                serde_json::to_writer_pretty(&mut stdout, &report).context("cannot write")?;
                stdout.write_all(b"\n").context("cannot write")?;
            } else {
                stdout.write_all(report.text().as_bytes()).context("cannot write")?;
            }
            if !report.succeeded() {
                return Err(Failure::Invalid);
            }
        }
        Command::RenderTrees { file } => {
            let raw = read_input(file.as_ref())?;
            let text = String::from_utf8(raw).context("the case file is not UTF-8")?;
            match brasa_render::render_tree_sequence(&text) {
                Ok(batches) => {
                    let mut out = String::new();
                    for batch in batches {
                        for b in batch {
                            out.push_str(&format!("{b:02x}"));
                        }
                        out.push('\n');
                    }
                    stdout.write_all(out.as_bytes()).context("cannot write")?;
                }
                Err(e) => {
                    eprintln!("brasa: cannot render the trees: {e}");
                    return Err(Failure::Invalid);
                }
            }
        }
        Command::Apply { hex, files } => {
            let mut batches = Vec::with_capacity(files.len());
            for file in &files {
                let raw = read_input(Some(file))?;
                batches.push(if hex {
                    parse_hex(&raw).with_context(|| file.display().to_string())?
                } else {
                    raw
                });
            }
            match brasa_dom::apply_to_html(&batches) {
                Ok(html) => {
                    stdout.write_all(html.as_bytes()).context("cannot write")?;
                    stdout.write_all(b"\n").context("cannot write")?;
                }
                Err(e) => {
                    eprintln!("brasa: cannot apply the batches: {e}");
                    return Err(Failure::Invalid);
                }
            }
        }
        Command::Schema { name } => {
            let text = match name.as_str() {
                "render-batch" => {
                    serde_json::to_string_pretty(&schemars::schema_for!(RenderBatch)).context("schema")? + "\n"
                }
                "vector" => {
                    serde_json::to_string_pretty(&schemars::schema_for!(brasa_conformance::Vector)).context("schema")?
                        + "\n"
                }
                "semantic-vector" => brasa_conformance::semantics::schema_text(),
                "events/list" => brasa_protocol::events::schemas()
                    .iter()
                    .map(|(n, _)| format!("events/{n}\n"))
                    .collect::<String>(),
                other => match other
                    .strip_prefix("events/")
                    .and_then(|n| brasa_protocol::events::schemas().into_iter().find(|(k, _)| *k == n))
                {
                    Some((_, schema)) => brasa_protocol::events::schema_file_text(&schema),
                    None => {
                        return Err(Failure::Other(anyhow::anyhow!(
                            "unknown schema {other:?}: try render-batch, vector, semantic-vector, events/list"
                        )));
                    }
                },
            };
            stdout.write_all(text.as_bytes()).context("cannot write")?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid) => ExitCode::from(1),
        Err(Failure::Other(e)) => {
            eprintln!("brasa: {e:#}");
            ExitCode::from(2)
        }
    }
}
