//! Reading one attribute of an element as the parsers here need it.

/// The unprefixed attribute `name` of `e`, normalized.
pub(crate) fn attr(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name && a.key.prefix().is_none())
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}
