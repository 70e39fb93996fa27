//! Which addresses outbound calls to upstream providers may reach. Provider URLs are set by
//! pool administrators, so a URL must not become a way into the server's own network: by
//! default only public addresses are reachable, checked on every resolution (redirects are
//! never followed). Deployments whose providers live on a private network (an internal ADFS,
//! or tests on loopback) allow private addresses; link-local addresses (cloud metadata at
//! 169.254.169.254) are refused either way.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPolicy {
    PublicOnly,
    AllowPrivate,
}

fn v4_allowed(ip: Ipv4Addr, policy: AddressPolicy) -> bool {
    let o = ip.octets();
    let never = ip.is_unspecified()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || o[0] == 0;
    let private = ip.is_loopback()
        || ip.is_private()
        || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space, RFC 6598
        || (o[0] == 198 && (o[1] == 18 || o[1] == 19)); // benchmarking, RFC 2544
    !never && (policy == AddressPolicy::AllowPrivate || !private)
}

fn v6_allowed(ip: Ipv6Addr, policy: AddressPolicy) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_allowed(v4, policy);
    }
    let s = ip.segments();
    let never = ip.is_unspecified() || ip.is_multicast() || (s[0] & 0xffc0) == 0xfe80;
    let private = ip.is_loopback() || (s[0] & 0xfe00) == 0xfc00;
    !never && (policy == AddressPolicy::AllowPrivate || !private)
}

pub fn allowed(ip: IpAddr, policy: AddressPolicy) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_allowed(v4, policy),
        IpAddr::V6(v6) => v6_allowed(v6, policy),
    }
}

/// A resolver that drops the addresses the policy refuses (and fails when none is left).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver(pub AddressPolicy);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allowed(a.ip(), policy))
                .collect();
            if found.is_empty() {
                return Err(
                    format!("{host} resolves to no address upstream calls may reach").into(),
                );
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddressPolicy::*;

    #[test]
    fn private_and_special_addresses() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for public in ["8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(allowed(ip(public), PublicOnly), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.0.0.5",
            "172.16.3.4",
            "192.168.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!allowed(ip(private), PublicOnly), "{private}");
            assert!(allowed(ip(private), AllowPrivate), "{private}");
        }
        for never in [
            "169.254.169.254",
            "0.0.0.0",
            "fe80::1",
            "224.0.0.1",
            "::",
            "::ffff:169.254.169.254",
        ] {
            assert!(!allowed(ip(never), AllowPrivate), "{never}");
        }
    }
}
