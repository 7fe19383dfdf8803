import Testing
@testable import RPC

struct ConnectCodeTests {
    @Test(arguments: [
        (ConnectCode.canceled, "canceled", 499), (.unknown, "unknown", 500), (.invalidArgument, "invalid_argument", 400),
        (.deadlineExceeded, "deadline_exceeded", 504), (.notFound, "not_found", 404), (.alreadyExists, "already_exists", 409),
        (.permissionDenied, "permission_denied", 403), (.resourceExhausted, "resource_exhausted", 429),
        (.failedPrecondition, "failed_precondition", 400), (.aborted, "aborted", 409), (.outOfRange, "out_of_range", 400),
        (.unimplemented, "unimplemented", 501), (.internal, "internal", 500), (.unavailable, "unavailable", 503),
        (.dataLoss, "data_loss", 500), (.unauthenticated, "unauthenticated", 401),
    ])
    func wireNameAndStatus(_ code: ConnectCode, _ name: String, _ status: Int) {
        #expect(code.wireName == name)
        #expect(code.httpStatus.code == status)
        #expect(ConnectCode(wireName: name) == code)
    }

    @Test func allSixteenCodesAreCovered() {
        #expect(ConnectCode.allCases.count == 16)
        #expect(Set(ConnectCode.allCases.map(\.rawValue)) == Set(1...16))
    }

    @Test func clientsInferCodesFromBareStatuses() {
        #expect(ConnectCode.inferred(fromHTTPStatus: 503) == .unavailable)
        #expect(ConnectCode.inferred(fromHTTPStatus: 404) == .unimplemented)
        #expect(ConnectCode.inferred(fromHTTPStatus: 418) == .unknown)
    }

    @Test func errorBodyRoundTrips() {
        let error = ConnectError(.failedPrecondition, "stale etag \"v3\"")
        let decoded = ConnectError.fromResponse(status: 400, body: error.jsonBody())
        #expect(decoded.code == .failedPrecondition)
        #expect(decoded.message == "stale etag \"v3\"")
        let text = String(decoding: error.jsonBody(), as: UTF8.self)
        #expect(text == #"{"code":"failed_precondition","details":[],"message":"stale etag \"v3\""}"#)
    }

    @Test func nonJSONErrorBodiesFallBackToTheStatus() {
        #expect(ConnectError.fromResponse(status: 503, body: Array("busy".utf8)).code == .unavailable)
    }
}
