//! Parsing query strings and form bodies into [`Params`], refusing repeated parameters.

use portcullis_core::oauth::params::Params;

pub(crate) fn from_query(query: Option<&str>) -> Result<Params, String> {
    from_urlencoded(query.unwrap_or("").as_bytes())
}

pub(crate) fn from_urlencoded(raw: &[u8]) -> Result<Params, String> {
    Params::from_pairs(
        url::form_urlencoded::parse(raw).map(|(k, v)| (k.into_owned(), v.into_owned())),
    )
}

/// The parameters as a query string again (for carrying an authorization request along).
pub(crate) fn to_query(params: &Params) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish()
}
