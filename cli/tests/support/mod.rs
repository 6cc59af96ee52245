//! What the end-to-end tests share: a `brasa serve` on a free loopback port, killed when dropped.
//! Each test crate uses part of it.
#![allow(dead_code)]

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// `../shared` beside the checkout.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// The Node project the shared browser scripts are run from (they resolve packages from the
/// current directory).
pub fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/harness")
}

/// Fails, naming the tool, when `program` cannot be run.
pub fn require_tool(program: &str, why: &str) {
    match Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => {}
        Err(e) => panic!("`{program}` is missing ({e}): {why}"),
    }
}

pub fn require_shared() -> PathBuf {
    let shared = shared();
    assert!(
        shared.join("tools/browser/neg.mjs").is_file(),
        "../shared is missing: expected {} beside the checkout",
        shared.display()
    );
    shared
}

pub fn require_harness() -> PathBuf {
    require_tool(
        "node",
        "the browser and protocol harness (../shared/tools/browser) runs on Node",
    );
    let harness = harness();
    for package in ["playwright-core", "ws", "@msgpack/msgpack"] {
        assert!(
            harness
                .join("node_modules")
                .join(package)
                .join("package.json")
                .is_file(),
            "the Node package `{package}` is missing from {}: run `npm ci --prefix conformance/harness`",
            harness.display()
        );
    }
    harness
}

pub fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.is_file(),
        "`chromium` is missing: no browser at {} (as root: `apt-get install -y chromium`, or set CHROMIUM)",
        path.display()
    );
    path
}

/// A fresh directory for one test's files.
pub fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("end-to-end-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A loopback port nobody listens on (bound and released at once).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `brasa serve`, killed when dropped (also on a failed assertion).
pub struct Server {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    /// Its stderr (the structured log).
    pub log: PathBuf,
}

impl Server {
    /// `brasa serve --app conformance` on a free port, its output in `dir`.
    pub fn start(dir: &Path) -> Server {
        Server::start_with(dir, &[])
    }

    /// The same with `extra` arguments (`--retention 2`).
    pub fn start_with(dir: &Path, extra: &[&str]) -> Server {
        let port = free_port();
        let log = dir.join("server.log");
        let child = Command::new(env!("CARGO_BIN_EXE_brasa"))
            .args(["serve", "--app", "conformance", "--addr", &format!("127.0.0.1:{port}")])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(File::create(dir.join("server.out")).unwrap())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .expect("brasa serve starts");
        let mut server = Server { child, port, log };
        let start = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("brasa serve exited at start ({status}):\n{}", server.log_tail());
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "brasa serve did not listen on 127.0.0.1:{port} within 20 s:\n{}",
                server.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn target(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines of its log.
    pub fn log_tail(&self) -> String {
        tail(&std::fs::read_to_string(&self.log).unwrap_or_default(), 40)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs `command` with stdout and stderr into `dir/name.log`, killed after `limit`; the status
/// and the log.
pub fn run(mut command: Command, dir: &Path, name: &str, limit: Duration) -> (ExitStatus, String) {
    let log = dir.join(format!("{name}.log"));
    let file = File::create(&log).unwrap();
    let program = format!("{:?}", command.get_program());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap_or_else(|e| panic!("{program} is missing or cannot run ({e})"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{name} did not finish within {} s; its output:\n{}",
                limit.as_secs(),
                tail(&std::fs::read_to_string(&log).unwrap_or_default(), 60)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    (status, std::fs::read_to_string(&log).unwrap_or_default())
}
