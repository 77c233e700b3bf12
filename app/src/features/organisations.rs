//! Organisations (cơ quan, trường học, doanh nghiệp): the registry's list and form, scoped to
//! the unit that manages each one. Their wire type is the domain's `Organisation`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
