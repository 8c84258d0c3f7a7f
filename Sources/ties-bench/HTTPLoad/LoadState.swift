import Dispatch
import Foundation
import Synchronization
import TiesTestSupport

/// What the client threads share. `Sendable` without a lock of its own:
/// every field is a constant, an `Atomic` or a `Mutex`.
final class LoadState: Sendable {
    let port: UInt16
    let key: String
    let typeID: String
    let requests: Int
    let clients: Int
    /// No request is started after this; a run that slow has said enough.
    let deadlineNs: UInt64
    /// The next link index to send: clients that get answers sooner send more.
    let next = Atomic<Int>(0)
    let ready = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let outcomes = Mutex<[ClientOutcome]>([])

    init(port: UInt16, key: String, typeID: String, requests: Int, clients: Int, deadlineNs: UInt64) {
        self.port = port
        self.key = key
        self.typeID = typeID
        self.requests = requests
        self.clients = clients
        self.deadlineNs = deadlineNs
    }

    /// Link `index`: a person and an object no other request names, so
    /// every request appends exactly one event.
    func linkRequest(_ index: Int) -> [UInt8] {
        let body = #"{"relationshipTypeId":"\#(typeID)","personExternalId":"hp\#(index)","customObjectExternalId":"ho\#(index)","attributes":{"n":\#(index)}}"#
        return HTTPWire.request("POST", "/v1/relationships", body: Array(body.utf8), token: key)
    }
}
