//! The listener of `serve`: TCP_NODELAY on every connection, and on Linux an immediate ACK of
//! every segment the server reads (TCP_QUICKACK, re-armed after each read because the kernel
//! leaves quick-ack mode on its own).
//!
//! Why the ACK matters (SRV-5.6): a client's render acknowledgement (`OnRenderCompleted`) gets no
//! answer, so its segment would wait for the server's delayed ACK (up to 40 ms on Linux). A peer
//! that runs Nagle's algorithm, as a reverse proxy or a plain Node.js socket does by default,
//! holds its next small write, the user's next event, until that ACK arrives: the click then
//! waits tens of milliseconds before the server even sees it. Acknowledging at once costs one
//! empty segment per read and removes that stall.
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Accepts connections as `TcpListener` does, each wrapped in [`Conn`].
pub struct Listener(pub TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Conn;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Conn, std::net::SocketAddr) {
        let (tcp, addr) = axum::serve::Listener::accept(&mut self.0).await;
        // Each batch and answer is one small write the client waits for: no Nagle delay.
        let _ = tcp.set_nodelay(true);
        (Conn(tcp), addr)
    }

    fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.0.local_addr()
    }
}

/// A server connection that acknowledges what it reads at once (see the module comment).
pub struct Conn(TcpStream);

impl Conn {
    fn quick_ack(&self) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let _ = socket2::SockRef::from(&self.0).set_tcp_quickack(true);
    }
}

impl AsyncRead for Conn {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.0).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.quick_ack();
        }
        poll
    }
}

impl AsyncWrite for Conn {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, data)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
#[cfg(any(target_os = "linux", target_os = "android"))]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// SRV-5.6: after a few request/answer exchanges the kernel treats a connection as
    /// interactive and delays its ACKs (quick-ack mode off); a read through `Conn` turns quick-ack
    /// mode back on, where the same exchange over a plain stream leaves it off.
    #[tokio::test]
    async fn reads_leave_the_connection_in_quick_ack_mode() {
        for wrapped in [false, true] {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let mut listener = Listener(listener);
            let client = tokio::spawn(async move {
                let mut s = TcpStream::connect(addr).await.unwrap();
                let mut b = [0u8; 1];
                for i in 0..20u8 {
                    s.write_all(&[i]).await.unwrap();
                    s.read_exact(&mut b).await.unwrap();
                }
                s.write_all(&[99]).await.unwrap();
                s
            });
            let (conn, _) = axum::serve::Listener::accept(&mut listener).await;
            assert!(
                conn.0.nodelay().unwrap(),
                "SRV-5.6: TCP_NODELAY on every accepted connection"
            );
            let mut b = [0u8; 1];
            let quick = if wrapped {
                let mut conn = conn;
                for _ in 0..20 {
                    conn.read_exact(&mut b).await.unwrap();
                    conn.write_all(&b).await.unwrap();
                }
                conn.read_exact(&mut b).await.unwrap();
                socket2::SockRef::from(&conn.0).tcp_quickack().unwrap()
            } else {
                let mut raw = conn.0;
                for _ in 0..20 {
                    raw.read_exact(&mut b).await.unwrap();
                    raw.write_all(&b).await.unwrap();
                }
                raw.read_exact(&mut b).await.unwrap();
                socket2::SockRef::from(&raw).tcp_quickack().unwrap()
            };
            drop(client.await.unwrap());
            assert_eq!(
                quick, wrapped,
                "quick-ack mode after the exchange (wrapped in Conn: {wrapped})"
            );
        }
    }
}
