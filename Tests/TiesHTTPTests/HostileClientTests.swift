import Foundation
import Testing
@testable import TiesHTTP
import TiesCore
import TiesStore
import TiesSystem
import TiesTestExpectations
import TiesTestSupport

// Clients that try to take the server's connections or memory without a
// key, or to make it read credentials differently from a proxy in front.

@Suite("HTTP server facing hostile clients")
struct HostileClientTests {
    /// Well below the 30 s body timeout a refusal must not wait for, and
    /// generous for a loaded two-core machine.
    static let promptMs = 10_000

    // MARK: Credentials

    @Test("A request with two Authorization fields is refused with 400 bad_request and closed, whichever of them is valid")
    func twoAuthorizationFieldsAreRefused() throws {
        let server = try ServerHarness()
        defer { server.stop(removeDirectory: true) }
        let bogus = "tk_" + String(repeating: "0", count: 48)
        for tokens in [[server.appendKey, bogus], [bogus, server.appendKey], [server.appendKey, server.appendKey]] {
            let client = try server.connect()
            let headers = tokens.map { ("Authorization", "Bearer \($0)") }
            let reply = try client.exchange(HTTPWire.request("POST", "/v1/object-types", body: Bodies.defineOrder, headers: headers), timeoutMs: Self.promptMs)
            #expect(reply.status == 400, "\(tokens) → \(reply)")
            #expect(reply.code == "bad_request", "\(reply)")
            #expect(client.closesWithoutMoreBytes(timeoutMs: Self.promptMs))
        }
        #expect(server.server.service.head.seq == 0)
        #expect(try server.call("POST", "/v1/object-types", Bodies.defineOrder, token: server.appendKey).status == 201)
    }
}
