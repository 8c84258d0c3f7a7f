/// The OpenAPI 3.1 document of the API, served at `/v1/openapi.json`.
/// Hand-written; a test checks it lists exactly the router's endpoints.
enum OpenAPIDocument {
    static let json = #"{"openapi":"3.1.0","info":{"title":"Ties","version":"1"},"paths":{}}"#
}
