import Foundation
import XCTest

@testable import TelformCore

final class SecretScrubberTests: XCTestCase {
    func testEveryEchoedFormOfASecretIsMasked() {
        let scrubber = SecretScrubber()
        scrubber.register("p@ss word/42")
        scrubber.registerAuthorization("Basic " + Data("ws:hunter2-long".utf8).base64EncodedString())
        XCTAssertEqual(
            scrubber.scrub("as sent p@ss word/42, encoded p%40ss%20word%2F42, form p%40ss+word%2F42, json p@ss word\\/42"),
            "as sent (sensitive), encoded (sensitive), form (sensitive), json (sensitive)")
        XCTAssertEqual(scrubber.scrub("base64 " + Data("p@ss word/42".utf8).base64EncodedString()), "base64 (sensitive)")
        XCTAssertEqual(
            scrubber.scrub("header: Basic d3M6aHVudGVyMi1sb25n; pair ws:hunter2-long; alone hunter2-long"),
            "header: (sensitive); pair (sensitive); alone (sensitive)")
        XCTAssertEqual(scrubber.scrub("nothing secret here"), "nothing secret here")
    }

    func testShortSecretsAreMaskedOnlyAsWholeWords() {
        let scrubber = SecretScrubber()
        scrubber.register("1234")
        scrubber.register("12")
        XCTAssertEqual(scrubber.scrub("pin 1234, phone 0612345678, ext 12"), "pin (sensitive), phone 0612345678, ext 12")
    }

    func testServerTextIsOneLineWithoutControlCharactersAndCutAfterScrubbing() {
        XCTAssertEqual(ServerText.excerpt("first line\r\n\tsecond\u{1B}[31m red\n", limit: 100), "first line second [31m red")
        XCTAssertEqual(ServerText.excerpt(String(repeating: "x", count: 10), limit: 4), "xxxx…")
    }
}
