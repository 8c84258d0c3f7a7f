import Foundation
import Testing
import TiesCore
import TiesStore
@testable import TiesHTTP
import TiesTestExpectations
import TiesTestSupport

/// The committed OpenAPI document (`Sources/TiesHTTP/Embedded/openapi.json`)
/// against the router it describes: it must parse, list exactly `API.routes`,
/// resolve every `$ref`, and say which operations need no key exactly as the
/// routes do; and the binary must embed exactly the file.
struct OpenAPIDocumentTests {
    typealias Object = [String: JSONValue]

    /// One operation of the document: `GET /v1/health` and its object.
    struct Operation {
        let method: String
        let path: String
        let object: Object

        var name: String { "\(method) \(path)" }
    }

    static let httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func document() throws -> Object {
        let value = try JSONParser.parse(OpenAPIDocument.bytes)
        return try #require(value.objectValue, "the document is not a JSON object")
    }

    /// The file in the repository, next to this test's sources.
    static let fileURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/TiesHTTP/Embedded/openapi.json")

    static func operations(_ document: Object) throws -> [Operation] {
        let paths = try #require(document["paths"]?.objectValue, "the document has no 'paths' object")
        var operations: [Operation] = []
        for (path, item) in paths {
            let item = try #require(item.objectValue, "path item \(path) is not an object")
            for (method, operation) in item where httpMethods.contains(method) {
                let object = try #require(operation.objectValue, "\(method) \(path) is not an object")
                operations.append(Operation(method: method.uppercased(), path: path, object: object))
            }
        }
        return operations.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }

    /// Follows a local JSON pointer (`#/components/schemas/Problem`); nil when it leads nowhere.
    static func resolve(_ reference: String, in document: Object) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var current = JSONValue.object(document)
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = current.objectValue?[name] else { return nil }
            current = next
        }
        return current
    }

    /// Every `$ref` and every discriminator mapping target in `value`.
    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let object):
            var found: [String] = []
            if let reference = object["$ref"]?.stringValue { found.append(reference) }
            if let mapping = object["discriminator"]?.objectValue?["mapping"]?.objectValue {
                found += mapping.values.compactMap(\.stringValue)
            }
            for child in object.values { found += references(in: child) }
            return found
        case .array(let items):
            return items.flatMap(references(in:))
        default:
            return []
        }
    }

    @Test("The document parses as JSON and declares OpenAPI 3.1.0")
    func documentIsOpenAPI31() throws {
        let document = try Self.document()
        #expect(document["openapi"] == .string("3.1.0"))
        let info = try #require(document["info"]?.objectValue)
        #expect(info["title"] == .string("Ties"))
        #expect(info["version"] == .string("1"))
        #expect(document["components"]?.objectValue?["securitySchemes"]?.objectValue?["bearer"] != nil)
    }

    @Test("The document's paths are exactly the router's endpoints")
    func pathsMatchTheRouter() throws {
        let documented = Set(try Self.operations(Self.document()).map(\.name))
        let routed = Set(API.endpoints.map { "\($0.method) \($0.path)" })
        let undocumented = routed.subtracting(documented).sorted()
        let unrouted = documented.subtracting(routed).sorted()
        #expect(undocumented == [], "routes missing from the document: \(undocumented)")
        #expect(unrouted == [], "documented but not routed: \(unrouted)")
        #expect(routed.count == API.endpoints.count, "the router lists an endpoint twice")
    }

    @Test("Every operation has a unique operationId and a 2xx response")
    func operationsAreIdentifiedAndSucceed() throws {
        let operations = try Self.operations(Self.document())
        var seen: [String: String] = [:]
        for operation in operations {
            let id = operation.object["operationId"]?.stringValue
            #expect(id?.isEmpty == false, "\(operation.name) has no operationId")
            if let id {
                #expect(seen[id] == nil, "operationId \(id) is used by \(seen[id] ?? "") and \(operation.name)")
                seen[id] = operation.name
            }
            #expect(operation.object["summary"]?.stringValue?.isEmpty == false, "\(operation.name) has no summary")
            let statuses = operation.object["responses"]?.objectValue?.keys.sorted() ?? []
            #expect(statuses.contains { $0.hasPrefix("2") }, "\(operation.name) has no 2xx response, only \(statuses)")
        }
    }

    @Test("Every $ref points to a component that exists")
    func referencesResolve() throws {
        let document = try Self.document()
        let references = Self.references(in: .object(document))
        #expect(!references.isEmpty)
        let broken = Set(references.filter { Self.resolve($0, in: document) == nil }).sorted()
        #expect(broken.isEmpty, "unresolved references: \(broken)")
    }

    @Test("Exactly the routes that need no key are public in the document, and each operation names its route's role")
    func securityMatchesTheRoutes() throws {
        let document = try Self.document()
        #expect(document["security"] == .array([.object(["bearer": .array([])])]), "the default must be the bearer key")
        let operations = Dictionary(uniqueKeysWithValues: try Self.operations(document).map { ($0.name, $0.object) })
        for route in API.routes {
            let name = "\(route.method) \(route.template)"
            let operation = try #require(operations[name], "\(name) is not documented")
            if route.role == nil {
                #expect(operation["security"] == .array([]), "\(name) needs no key, so its security must be []")
            } else {
                #expect(operation["security"] == nil, "\(name) needs a key, so it must keep the default security")
            }
            #expect(operation["x-ties-role"] == .string(route.role?.rawValue ?? "none"), "\(name) documents the wrong role")
        }
    }

    @Test("Each path template's parameters are declared as path parameters, and no others")
    func pathParametersMatchTheTemplates() throws {
        let document = try Self.document()
        for operation in try Self.operations(document) {
            let inTemplate = Set(operation.path.split(separator: "/")
                .filter { $0.hasPrefix("{") && $0.hasSuffix("}") }
                .map { String($0.dropFirst().dropLast()) })
            let declared = (operation.object["parameters"]?.arrayValue ?? []).compactMap { parameter -> String? in
                let resolved = parameter.objectValue?["$ref"]?.stringValue.flatMap { Self.resolve($0, in: document) } ?? parameter
                guard let object = resolved.objectValue, object["in"] == .string("path") else { return nil }
                #expect(object["required"] == .bool(true), "\(operation.name): path parameters are required")
                return object["name"]?.stringValue
            }
            #expect(Set(declared) == inTemplate && declared.count == inTemplate.count,
                    "\(operation.name) declares path parameters \(declared.sorted()), its template has \(inTemplate.sorted())")
        }
    }

    @Test("GET /v1/openapi.json serves the committed document byte for byte")
    func servedDocumentIsTheCommittedOne() throws {
        let scratch = try TemporaryDirectory("ties-openapi-tests-")
        defer { scratch.cleanUp() }
        let directory = scratch.path
        try Ledger.create(at: directory)
        let service = try LedgerService(directory: directory, warn: { _ in })
        defer { service.shutdown(timeoutMs: 30_000) }
        let keys = KeyStore(ledgerDirectory: directory)
        let token = try keys.create(name: "reader", role: .read, now: Ledger.clock())
        let api = API(service: service, keys: keys)

        let response = api.handle(HTTPRequest(method: "GET", target: "/v1/openapi.json",
                                              headers: HTTPHeaders([("Authorization", "Bearer \(token)")]))).response
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.body == OpenAPIDocument.bytes)
    }

    @Test("The embedded document is byte for byte the file in the repository")
    func embeddedDocumentIsTheFile() throws {
        let file = try [UInt8](Data(contentsOf: Self.fileURL))
        #expect(!file.isEmpty)
        #expect(OpenAPIDocument.bytes == file, "the binary embeds a stale \(Self.fileURL.lastPathComponent); rebuild")
        #expect(EmbeddedResources.names.contains("openapi.json"))
        #expect(EmbeddedResources.bytes(named: "openapi.json") == file)
        #expect(EmbeddedResources.bytes(named: "missing.json") == nil)
    }

    @Test("The document cites no section of an internal specification")
    func documentIsSelfContained() throws {
        let text = String(decoding: OpenAPIDocument.bytes, as: UTF8.self)
        #expect(!text.contains("SPEC"), "the document cites SPEC, which its readers do not have")
    }

    // MARK: The document of a server of many ledgers

    static func ledgersDocument() throws -> Object {
        try #require(try JSONParser.parse(EmbeddedResources.openapiLedgersJson).objectValue, "the ledgers document is not a JSON object")
    }

    @Test("The ledgers document lists exactly the set's own endpoints, resolves every $ref, and is public only for health")
    func ledgersDocumentMatchesItsRouter() throws {
        let document = try Self.ledgersDocument()
        #expect(document["openapi"] == .string("3.1.0"))
        let operations = try Self.operations(document)
        #expect(Set(operations.map(\.name)) == Set(LedgersAPI.endpoints.map { "\($0.method) \($0.path)" }))
        #expect(operations.count == LedgersAPI.endpoints.count)
        let broken = Set(Self.references(in: .object(document)).filter { Self.resolve($0, in: document) == nil }).sorted()
        #expect(broken.isEmpty, "unresolved references: \(broken)")
        for operation in operations {
            let isPublic = operation.name == "GET /v1/health"
            #expect((operation.object["security"] == .array([])) == isPublic, "\(operation.name)")
            #expect(operation.object["x-ties-role"] == .string(isPublic ? "none" : "admin"), "\(operation.name)")
        }
        let file = try [UInt8](Data(contentsOf: Self.fileURL.deletingLastPathComponent().appendingPathComponent("openapi-ledgers.json")))
        #expect(EmbeddedResources.openapiLedgersJson == file, "the binary embeds a stale openapi-ledgers.json; rebuild")
        #expect(!String(decoding: file, as: UTF8.self).contains("SPEC"))
    }

    @Test("A server of many ledgers serves its document to a server-wide admin key, and each ledger's document under its prefix")
    func ledgersServerServesBothDocuments() throws {
        let scratch = try TemporaryDirectory("ties-openapi-ledgers-")
        defer { scratch.cleanUp() }
        let set = try LedgerSet(directory: scratch.path)
        try set.create(try #require(LedgerName("acme")))
        let token = try set.keys.create(name: "ops", role: .admin, now: Ledger.clock())
        let server = try LedgersServer(directory: scratch.path, configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), log: { _ in })
        server.start()
        defer { server.stop(graceMs: 30_000) }
        let headers = HTTPHeaders([("Authorization", "Bearer \(token)")])
        let own = server.api.handle(HTTPRequest(method: "GET", target: "/v1/openapi.json", headers: headers)).response
        #expect(own.status == 200 && own.body == EmbeddedResources.openapiLedgersJson)
        #expect(server.api.handle(HTTPRequest(method: "GET", target: "/v1/openapi.json")).response.status == 401)
        let ledgers = server.api.handle(HTTPRequest(method: "GET", target: "/v1/ledgers/acme/openapi.json", headers: headers)).response
        #expect(ledgers.status == 200 && ledgers.body == OpenAPIDocument.bytes)
    }
}
