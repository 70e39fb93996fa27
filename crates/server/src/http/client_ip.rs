//! The client's IP address, for throttling and logs. It is the TCP peer, unless the peer is
//! one of the deployment's trusted proxies (`--trusted-proxy CIDR`): then the forwarding
//! headers are read from the right, and the first hop that is not a trusted proxy is the
//! client. Without trusted proxies no forwarding header is believed, so a client cannot
//! choose the address it is counted under. (`X-Forwarded-Proto` is never needed: the
//! public URL decides the scheme of every link and cookie.)

use super::Shared;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

pub(crate) struct ClientIp(pub String);

impl FromRequestParts<Shared> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &Shared) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let ip = match peer {
            Some(peer) => client_address(peer, &parts.headers, &s.config.trusted_proxies),
            None => return Ok(ClientIp("unknown".into())),
        };
        Ok(ClientIp(ip.to_string()))
    }
}

/// An address block, `10.0.0.0/8` or `2001:db8::/32`; a bare address is a block of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an address block like 10.0.0.0/8 or ::1/128");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let network: IpAddr = addr.trim().parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { network, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.network, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => same_prefix(&n.octets(), &a.octets(), self.prefix),
            (IpAddr::V6(n), IpAddr::V6(a)) => same_prefix(&n.octets(), &a.octets(), self.prefix),
            _ => false,
        }
    }
}

/// IPv4 peers on a dual-stack socket arrive as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn same_prefix(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let mut bits = usize::from(prefix);
    for (x, y) in a.iter().zip(b) {
        if bits == 0 {
            return true;
        }
        let take = bits.min(8);
        let mask = if take == 8 { 0xff } else { !(0xffu8 >> take) };
        if x & mask != y & mask {
            return false;
        }
        bits -= take;
    }
    true
}

/// The right-most hop that is not a trusted proxy, walking back from the TCP peer.
/// `Forwarded` (RFC 7239) is read when present, else `X-Forwarded-For`. A hop that cannot be
/// parsed stops the walk at the last address that could be trusted to have seen it.
pub(crate) fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    for hop in forwarded_hops(headers).into_iter().rev() {
        match hop {
            Some(ip) => {
                client = canonical(ip);
                if !is_trusted(client) {
                    return client;
                }
            }
            None => return client,
        }
    }
    client
}

/// Each hop of the forwarding headers, in order, `None` for one that is not an address.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(k, _)| k.eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v))
            })
            .collect();
    }
    values("x-forwarded-for")
        .iter()
        .map(|v| parse_node(v))
        .collect()
}

/// `192.0.2.1`, `"[2001:db8::1]:4711"`, `192.0.2.1:80`: the address without its port.
fn parse_node(v: &str) -> Option<IpAddr> {
    let v = v.trim().trim_matches('"');
    if let Ok(ip) = v.parse() {
        return Some(ip);
    }
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split_once(']').and_then(|(a, _)| a.parse().ok());
    }
    v.rsplit_once(':').and_then(|(a, _)| a.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_contain_what_they_should() {
        let c: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(c.contains(ip("10.1.200.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(c.contains(ip("::ffff:10.1.0.9")), "v4-mapped peers");
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6: Cidr = "2001:db8::/33".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:7fff::1")) && !v6.contains(ip("2001:db8:8000::1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "::/129", "ten", "10.0.0.0/x", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarding_headers_count_only_behind_trusted_proxies() {
        let h = headers(&[("x-forwarded-for", "203.0.113.7, 198.51.100.2")]);
        // No trusted proxies: the peer, whatever the headers say.
        assert_eq!(client_address(ip("127.0.0.1"), &h, &[]), ip("127.0.0.1"));
        let proxy: Vec<Cidr> = vec!["127.0.0.1/32".parse().unwrap()];
        // The right-most untrusted hop, not the left-most a client could have written.
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &proxy),
            ip("198.51.100.2")
        );
        let chain: Vec<Cidr> = vec![
            "127.0.0.1/32".parse().unwrap(),
            "198.51.100.0/24".parse().unwrap(),
        ];
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &chain),
            ip("203.0.113.7")
        );
        // A peer that is not a trusted proxy is the client, forwarding headers or not.
        assert_eq!(client_address(ip("192.0.2.9"), &h, &proxy), ip("192.0.2.9"));
        // Several header lines are one list; garbage stops the walk.
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-for", "junk"),
        ]);
        assert_eq!(client_address(ip("127.0.0.1"), &h, &proxy), ip("127.0.0.1"));
        // RFC 7239, with ports, quotes and IPv6.
        let h = headers(&[(
            "forwarded",
            r#"for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711""#,
        )]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &proxy),
            ip("2001:db8:cafe::17")
        );
    }
}
