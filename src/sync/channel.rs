//! Channels carry messages as frames: a 4-byte big-endian length, then the bytes.
//! A length above the cap closes the connection before anything is allocated.
//! `PlainChannel` is for transports that are already private (an SSH session, a local
//! pipe); `NoiseChannel` encrypts and mutually authenticates a TCP connection with the
//! Noise XX handshake and each side's static key.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

use super::protocol::{MAX_MESSAGE, Message};
use crate::store::StoreError;

/// Why a link stopped.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The other side closed the connection.
    #[error("the peer closed the connection")]
    Closed,
    /// The peer sent nothing within the deadline (handshake or idle).
    #[error("the peer was silent past the deadline")]
    Silent,
    /// A read or write failed.
    #[error("connection failed: {0}")]
    Io(#[from] io::Error),
    /// A frame or message broke the protocol.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The peer is not who we allow.
    #[error("{0}")]
    Refused(String),
    /// This side's own database failed (the message says which file and what to do).
    #[error("{0}")]
    Store(#[from] StoreError),
    /// Something on this side stopped the link before the peer was reached: the key
    /// file, the address, the command to run.
    #[error("{0}")]
    Local(String),
    /// The peer is serving as many connections as it takes; trying again later works.
    #[error("the peer is busy ({0}); trying again later")]
    Busy(String),
    /// The link loops back to this same database; trying again never helps.
    #[error(
        "the far side is this same database (the link loops back to it): name another database as the peer"
    )]
    SameDatabase,
}

/// What a server sends, unencrypted, to a connection it will not take now, in place of
/// its handshake message: this prefix, then why. A Noise handshake message is random
/// bytes, which never start so.
pub const BUSY_PREFIX: &[u8] = b"\0warroom-busy: ";

/// Sends the busy notice to a connection about to be closed; `why` in a few words.
pub fn send_busy(writer: &mut impl Write, why: &str) -> io::Result<()> {
    let mut frame = BUSY_PREFIX.to_vec();
    frame.extend_from_slice(why.as_bytes());
    frame.truncate(HANDSHAKE_MAX);
    match write_frame(writer, &frame) {
        Ok(()) => Ok(()),
        Err(LinkError::Io(e)) => Err(e),
        Err(e) => Err(io::Error::other(e.to_string())),
    }
}

/// A read error in words: end of stream, a deadline, or a failure.
fn read_error(e: io::Error) -> LinkError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => LinkError::Closed,
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => LinkError::Silent,
        _ => LinkError::Io(e),
    }
}

/// Reads one length-prefixed frame of at most `cap` bytes.
pub fn read_frame(r: &mut impl Read, cap: usize) -> Result<Vec<u8>, LinkError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len).map_err(read_error)?;

    let claimed = u32::from_be_bytes(len) as usize;
    if claimed > cap {
        // Four letters where a length should be: the far side printed text (a login
        // banner, a `nologin` account's message, a shell's greeting) instead of
        // speaking the protocol.
        if len.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
            return Err(LinkError::Protocol(format!(
                "the far side sent text, not warroom's protocol (it starts \"{}\"): a login banner or message, an account that cannot run commands, or something other than `warroom serve` answering",
                String::from_utf8_lossy(&len)
            )));
        }
        return Err(LinkError::Protocol(format!(
            "a frame of {claimed} bytes is over the {cap}-byte limit"
        )));
    }
    let len = claimed;
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf).map_err(read_error)?;
    Ok(buf)
}

/// Writes one length-prefixed frame.
pub fn write_frame(w: &mut impl Write, bytes: &[u8]) -> Result<(), LinkError> {
    w.write_all(&(bytes.len() as u32).to_be_bytes())?;
    w.write_all(bytes)?;
    w.flush()?;
    Ok(())
}

/// Refuses an encoded message over [`MAX_MESSAGE`].
fn check_size(bytes: &[u8]) -> Result<(), LinkError> {
    if bytes.len() > MAX_MESSAGE {
        return Err(LinkError::Protocol(format!(
            "a message of {} bytes is over the limit",
            bytes.len()
        )));
    }
    Ok(())
}

/// The receiving half of a channel.
pub trait Receiver: Send {
    /// The next message's bytes as sent (at most [`MAX_MESSAGE`]), not yet read as a
    /// message.
    fn recv_bytes(&mut self) -> Result<Vec<u8>, LinkError>;

    /// The next message.
    fn recv(&mut self) -> Result<Message, LinkError> {
        Message::decode(&self.recv_bytes()?).map_err(LinkError::Protocol)
    }
}

/// The sending half of a channel.
pub trait Sender: Send {
    /// Sends a message already encoded (see [`Message::encode`]), refused when over
    /// [`MAX_MESSAGE`].
    fn send_encoded(&mut self, bytes: &[u8]) -> Result<(), LinkError>;

    /// Sends a message.
    fn send(&mut self, message: &Message) -> Result<(), LinkError> {
        self.send_encoded(&message.encode())
    }
}

/// Frames over a transport that is private already.
pub struct PlainReceiver<R>(pub R);
/// Frames over a transport that is private already.
pub struct PlainSender<W>(pub W);

impl<R: Read + Send> Receiver for PlainReceiver<R> {
    fn recv_bytes(&mut self) -> Result<Vec<u8>, LinkError> {
        read_frame(&mut self.0, MAX_MESSAGE)
    }
}

impl<W: Write + Send> Sender for PlainSender<W> {
    fn send_encoded(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        check_size(bytes)?;
        write_frame(&mut self.0, bytes)
    }
}

/// The Noise pattern: both sides prove their static keys; neither needs the other's first.
const NOISE_PARAMS: &str = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
const PROLOGUE: &[u8] = b"warroom-sync v1";
/// A Noise message (ciphertext) is at most this long.
const NOISE_MAX: usize = 65_535;
/// Plaintext per Noise message, leaving room for the tag and the continuation flag.
const CHUNK: usize = NOISE_MAX - 16 - 1;

/// A static key pair for Noise.
#[derive(Clone)]
pub struct KeyPair {
    /// The private key (32 bytes).
    pub private: Vec<u8>,
    /// The public key (32 bytes), the identity others allow.
    pub public: Vec<u8>,
}

impl std::fmt::Debug for KeyPair {
    // Never print the private key, not even in a debug log or a test failure.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &key_id(&self.public))
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A fresh random key pair.
    pub fn generate() -> Result<KeyPair, String> {
        let params = NOISE_PARAMS.parse().map_err(|e| format!("{e:?}"))?;
        let kp = snow::Builder::new(params)
            .generate_keypair()
            .map_err(|e| format!("{e:?}"))?;
        Ok(KeyPair {
            private: kp.private.clone(),
            public: kp.public.clone(),
        })
    }
}

/// The public key as people copy it: lowercase hex.
pub fn key_id(public: &[u8]) -> String {
    hex::encode(public)
}

type Transport = Arc<Mutex<snow::TransportState>>;

/// The shared cipher state, for one message.
fn lock(noise: &Transport) -> Result<std::sync::MutexGuard<'_, snow::TransportState>, LinkError> {
    noise
        .lock()
        .map_err(|_| LinkError::Protocol("lock poisoned".into()))
}

/// The encrypted receiving half.
pub struct NoiseReceiver<R> {
    inner: R,
    noise: Transport,
    /// Room for one decrypted Noise message, kept between messages.
    plain: Vec<u8>,
}

/// The encrypted sending half.
pub struct NoiseSender<W> {
    inner: W,
    noise: Transport,
    /// Room for one Noise message's plaintext, kept between messages.
    plain: Vec<u8>,
    /// Room for one encrypted Noise message, kept between messages.
    out: Vec<u8>,
}

fn noise_err(e: snow::Error) -> LinkError {
    LinkError::Protocol(format!("encryption: {e:?}"))
}

/// A handshake frame is at most this long. XX's messages are 32, 96 and 64 bytes (with
/// empty payloads); anything longer is refused unread, before the peer has proved a key.
const HANDSHAKE_MAX: usize = 256;

/// A finished handshake: the keys for the session and the peer's public key.
pub struct Handshake {
    transport: snow::TransportState,
    peer: String,
}

impl Handshake {
    /// The peer's public key (hex).
    pub fn peer(&self) -> &str {
        &self.peer
    }

    /// The two encrypted halves over `reader` and `writer` (which may buffer: nothing
    /// of the session was read during the handshake).
    pub fn split<R, W>(self, reader: R, writer: W) -> (NoiseReceiver<R>, NoiseSender<W>) {
        let noise = Arc::new(Mutex::new(self.transport));
        (
            NoiseReceiver {
                inner: reader,
                noise: noise.clone(),
                plain: vec![0u8; NOISE_MAX],
            },
            NoiseSender {
                inner: writer,
                noise,
                plain: Vec::with_capacity(NOISE_MAX),
                out: vec![0u8; NOISE_MAX],
            },
        )
    }
}

/// Runs the Noise XX handshake. `check` decides whether the peer's key may go on
/// (before any event moves). Reads exactly the handshake's frames and no further, so
/// the caller can wrap the same transport in buffers afterwards.
pub fn noise_handshake(
    reader: &mut impl Read,
    writer: &mut impl Write,
    keys: &KeyPair,
    initiator: bool,
    check: &dyn Fn(&str) -> Result<(), String>,
) -> Result<Handshake, LinkError> {
    let params = NOISE_PARAMS
        .parse()
        .map_err(|e| LinkError::Protocol(format!("{e:?}")))?;
    let builder = snow::Builder::new(params)
        .local_private_key(&keys.private)
        .map_err(noise_err)?;
    let builder = builder.prologue(PROLOGUE).map_err(noise_err)?;
    let mut hs = if initiator {
        builder.build_initiator()
    } else {
        builder.build_responder()
    }
    .map_err(noise_err)?;
    let mut buf = [0u8; HANDSHAKE_MAX];
    let mut payload = [0u8; HANDSHAKE_MAX];
    // XX: -> e;  <- e, ee, s, es;  -> s, se
    let steps: [bool; 3] = if initiator {
        [true, false, true]
    } else {
        [false, true, false]
    };
    for writes in steps {
        if writes {
            let n = hs.write_message(&[], &mut buf).map_err(noise_err)?;
            if let Err(e) = write_frame(writer, &buf[..n]) {
                // A server that turned us away may have closed before our message got
                // there; its notice is still there to read.
                return Err(busy_notice(reader).unwrap_or(e));
            }
        } else {
            let frame = read_frame(reader, HANDSHAKE_MAX)?;
            if let Some(why) = frame.strip_prefix(BUSY_PREFIX) {
                return Err(LinkError::Busy(String::from_utf8_lossy(why).into_owned()));
            }
            hs.read_message(&frame, &mut payload)
                .map_err(|e| LinkError::Refused(format!("handshake failed: {e:?}")))?;
        }
    }
    let peer = hs
        .get_remote_static()
        .map(key_id)
        .ok_or_else(|| LinkError::Protocol("the peer sent no key".into()))?;
    check(&peer).map_err(LinkError::Refused)?;
    Ok(Handshake {
        transport: hs.into_transport_mode().map_err(noise_err)?,
        peer,
    })
}

/// The busy notice a server sent, if the next frame is one.
fn busy_notice(reader: &mut impl Read) -> Option<LinkError> {
    let frame = read_frame(reader, HANDSHAKE_MAX).ok()?;
    let why = frame.strip_prefix(BUSY_PREFIX)?;
    Some(LinkError::Busy(String::from_utf8_lossy(why).into_owned()))
}

impl<R: Read + Send> Receiver for NoiseReceiver<R> {
    fn recv_bytes(&mut self) -> Result<Vec<u8>, LinkError> {
        let mut message = Vec::new();
        loop {
            let frame = read_frame(&mut self.inner, NOISE_MAX)?;
            let n = lock(&self.noise)?
                .read_message(&frame, &mut self.plain)
                .map_err(noise_err)?;
            let Some((&more, chunk)) = self.plain[..n].split_first() else {
                return Err(LinkError::Protocol("an empty encrypted frame".into()));
            };
            if message.len() + chunk.len() > MAX_MESSAGE {
                return Err(LinkError::Protocol(format!(
                    "a message over the {MAX_MESSAGE}-byte limit"
                )));
            }
            message.extend_from_slice(chunk);
            if more == 0 {
                return Ok(message);
            }
        }
    }
}

impl<W: Write + Send> Sender for NoiseSender<W> {
    fn send_encoded(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        check_size(bytes)?;
        let chunks: Vec<&[u8]> = if bytes.is_empty() {
            vec![&[][..]]
        } else {
            bytes.chunks(CHUNK).collect()
        };
        let last = chunks.len() - 1;
        for (i, chunk) in chunks.into_iter().enumerate() {
            self.plain.clear();
            self.plain.push(u8::from(i < last));
            self.plain.extend_from_slice(chunk);
            let n = lock(&self.noise)?
                .write_message(&self.plain, &mut self.out)
                .map_err(noise_err)?;
            write_frame(&mut self.inner, &self.out[..n])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    #[test]
    fn frames_over_the_cap_are_refused_before_reading_them() {
        let mut bytes = (10u32 * 1024 * 1024).to_be_bytes().to_vec();
        bytes.extend_from_slice(b"whatever");
        let err = read_frame(&mut &bytes[..], MAX_MESSAGE).unwrap_err();
        assert!(
            err.to_string().contains("over the 1048576-byte limit"),
            "{err}"
        );
        assert!(matches!(
            read_frame(&mut &b"\x00\x00"[..], MAX_MESSAGE),
            Err(LinkError::Closed)
        ));
    }

    #[test]
    fn noise_carries_large_messages_and_checks_keys() {
        let (a, b) = UnixStream::pair().unwrap();
        let (ka, kb) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let (ida, idb) = (key_id(&ka.public), key_id(&kb.public));
        let server = std::thread::spawn(move || {
            let allowed = ida.clone();
            let done = noise_handshake(&mut &b, &mut &b, &kb, false, &|k| {
                if k == allowed {
                    Ok(())
                } else {
                    Err("no".into())
                }
            })
            .unwrap();
            assert_eq!(done.peer(), ida);
            let (mut rx, mut tx) = done.split(b.try_clone().unwrap(), b);
            let m = rx.recv().unwrap();
            tx.send(&m).unwrap();
        });
        let done = noise_handshake(&mut &a, &mut &a, &ka, true, &|_| Ok(())).unwrap();
        assert_eq!(done.peer(), idb);
        let (mut rx, mut tx) = done.split(a.try_clone().unwrap(), a);
        let big = Message::Error {
            message: "x".repeat(300_000),
        };
        tx.send(&big).unwrap();
        assert_eq!(
            rx.recv().unwrap(),
            big,
            "split into Noise messages and put back together"
        );
        server.join().unwrap();
    }

    #[test]
    fn a_handshake_frame_longer_than_the_handshake_needs_is_refused_unread() {
        let (a, b) = UnixStream::pair().unwrap();
        let kb = KeyPair::generate().unwrap();
        // A length that an encrypted session frame may have, but no handshake frame.
        (&a).write_all(&1000u32.to_be_bytes()).unwrap();
        let err = noise_handshake(&mut &b, &mut &b, &kb, false, &|_| Ok(()))
            .map(|_| ())
            .unwrap_err();
        assert!(err.to_string().contains("over the 256-byte limit"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let (a, b) = UnixStream::pair().unwrap();
        let (ka, kb) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let server = std::thread::spawn(move || {
            noise_handshake(&mut &b, &mut &b, &kb, false, &|k| {
                Err(format!("peer {k} is not allowed"))
            })
            .map(|_| ())
        });
        let _ = noise_handshake(&mut &a, &mut &a, &ka, true, &|_| Ok(()));
        assert!(
            matches!(server.join().unwrap(), Err(LinkError::Refused(m)) if m.contains("not allowed"))
        );
    }
}
