//! `brasa serve`: Brasa's Server host (`brasa-server`) on a tokio runtime.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};

/// The options of `brasa serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// The app to serve.
    #[arg(long, default_value = "conformance")]
    pub app: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:5000")]
    pub addr: SocketAddr,
    /// How long a disconnected circuit is kept, in seconds (`DisconnectedCircuitRetentionPeriod`).
    #[arg(long, default_value_t = 180)]
    pub retention: u64,
    /// How many disconnected circuits are kept at most (`DisconnectedCircuitMaxRetained`).
    #[arg(long, default_value_t = 100)]
    pub max_retained: usize,
    /// Prerender each page's root component into the page (as ASP.NET Core's default
    /// `InteractiveServer` render mode does); without it the page carries only the marker.
    #[arg(long)]
    pub prerender: bool,
    /// Largest hub message a client may send, in bytes (`MaximumReceiveMessageSize`); a larger
    /// one closes its connection (spec/circuit.md, CIR-5.3).
    #[arg(long, default_value_t = 32_768, value_parser = clap::value_parser!(u32).range(1024..=(64 << 20)))]
    pub max_message_size: u32,
    /// Render batches a circuit may have unacknowledged; while that many are, its renders wait
    /// for an acknowledgement (`MaxBufferedUnacknowledgedRenderBatches`, CIR-2.4).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_buffered_batches: u32,
    /// Seconds a new connection has to complete the SignalR handshake (`HandshakeTimeout`,
    /// SRV-5.2).
    #[arg(long, default_value_t = 15.0, value_parser = seconds)]
    pub handshake_timeout: f64,
    /// Seconds without anything sent after which the server pings (`KeepAliveInterval`, SRV-5.3).
    #[arg(long, default_value_t = 15.0, value_parser = seconds)]
    pub keep_alive: f64,
    /// Seconds without anything received after which the server closes the connection
    /// (`ClientTimeoutInterval`, SRV-5.4).
    #[arg(long, default_value_t = 30.0, value_parser = seconds)]
    pub client_timeout: f64,
}

/// A duration in seconds: positive, finite, at most a day.
fn seconds(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !(value > 0.0 && value <= 86_400.0) {
        return Err(format!("{value} seconds is out of range (more than 0, at most 86400)"));
    }
    Ok(value)
}

/// Runs the server until the process is stopped.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    if args.app != "conformance" {
        bail!("unknown app '{}': the only app is 'conformance'", args.app);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    raise_file_limit();
    let config = brasa_server::Config {
        app: args.app,
        retention: Duration::from_secs(args.retention),
        max_retained: args.max_retained,
        prerender: args.prerender,
        max_message_size: args.max_message_size as usize,
        max_buffered_batches: args.max_buffered_batches as usize,
        handshake_timeout: Duration::from_secs_f64(args.handshake_timeout),
        keep_alive: Duration::from_secs_f64(args.keep_alive),
        client_timeout: Duration::from_secs_f64(args.client_timeout),
        ..brasa_server::Config::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime
        .block_on(brasa_server::serve(args.addr, config))
        .with_context(|| format!("serving on {}", args.addr))
}

/// Raises the soft open-file limit to the hard one: each circuit's WebSocket is a descriptor, and
/// soft limits are often 1,024.
fn raise_file_limit() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current == limit.maximum {
        return;
    }
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => tracing::info!(limit = ?limit.maximum, "open-file limit raised"),
        Err(e) => tracing::warn!(%e, soft = ?limit.current, "cannot raise the open-file limit"),
    }
}
