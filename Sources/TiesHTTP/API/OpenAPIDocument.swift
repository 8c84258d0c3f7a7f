/// The OpenAPI 3.1 document of the API, served as is at `GET /v1/openapi.json`.
///
/// The document is the file `Sources/TiesHTTP/Embedded/openapi.json`, compiled
/// into the binary by `EmbedResourcesPlugin`. Hand-written: keep it in step with
/// `API.routes`, the handlers and the JSON shapes in
/// `Sources/TiesPresentation/`. `OpenAPIDocumentTests` checks that it
/// parses, that its paths are exactly `API.endpoints`, that every `$ref`
/// resolves, that the public operations are exactly the routes that need no key,
/// and that the embedded bytes are the file's.
enum OpenAPIDocument {
    /// The document's bytes, exactly the file's.
    static var bytes: [UInt8] { EmbeddedResources.openapiJson }
}
