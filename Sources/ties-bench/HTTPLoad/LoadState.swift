import Dispatch
import Foundation
import Synchronization
import TiesTestSupport

/// What the client threads share. `Sendable` without a lock of its own:
/// every field is a constant, an `Atomic` or a `Mutex`.
final class LoadState: Sendable {
    let port: UInt16
    let requests: Int
    let clients: Int
    /// No request is started after this; a run that slow has said enough.
    let deadlineNs: UInt64
    /// What one request is, for progress lines ("links", "batches").
    let noun: String
    /// The bytes of request `index` (0..<requests).
    let request: @Sendable (Int) -> [UInt8]
    /// The next request index to send: clients that get answers sooner send more.
    let next = Atomic<Int>(0)
    let ready = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let outcomes = Mutex<[ClientOutcome]>([])

    init(port: UInt16, requests: Int, clients: Int, deadlineNs: UInt64, noun: String, request: @escaping @Sendable (Int) -> [UInt8]) {
        self.port = port
        self.requests = requests
        self.clients = clients
        self.deadlineNs = deadlineNs
        self.noun = noun
        self.request = request
    }

    /// Link `index` as `POST path`: a person and an object no other index
    /// names, so every request appends exactly one event.
    static func linkRequest(_ index: Int, typeID: String, key: String, path: String = "/v1/relationships") -> [UInt8] {
        HTTPWire.request("POST", path, body: Array("{\(linkFields(index, typeID: typeID))}".utf8), token: key)
    }

    /// The members of link `index`'s JSON object (a request body, or with `op` a batch item).
    static func linkFields(_ index: Int, typeID: String) -> String {
        #""relationshipTypeId":"\#(typeID)","personExternalId":"hp\#(index)","customObjectExternalId":"ho\#(index)","attributes":{"n":\#(index)}"#
    }
}
