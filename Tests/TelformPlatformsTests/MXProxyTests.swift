import Foundation
import XCTest
import TelformCore
@testable import TelformPlatforms

/// MX Proxy's call mode: the reply (`callMode`, every parameter used) must say what was sent.
final class MXProxyTests: XCTestCase {
    func testTheCallModeReplyMustSayWhatWasSent() throws {
        let sent: [String: Value] = ["remote": .bool(true), "device": .string("79031744445")]
        XCTAssertNoThrow(try CallModeKind.check(try JSONParser.parse(#"{"callMode": {"remote": true, "device": "79031744445", "ringDelay": 1, "vmDelay": 30}}"#), sent: sent))
        XCTAssertThrowsError(try CallModeKind.check(try JSONParser.parse(#"{"callMode": {"remote": true, "device": "", "ringDelay": 1, "vmDelay": 30}}"#), sent: sent)) { error in
            XCTAssertEqual("\(error)", #"call_mode: the platform set another call mode than was sent: device """#)
        }
    }
}
