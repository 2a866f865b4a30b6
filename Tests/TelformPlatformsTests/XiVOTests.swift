import Foundation
import XCTest
import TelformCore
@testable import TelformSimulator

/// The xivo fake's documented behaviour, call by call.
final class XiVOTests: XCTestCase {
    let seed: JSONNode = try! JSONParser.parse("""
    {"users": [{"userfeatures": {"id": 1, "firstname": "User"},
                "linefeatures": [{"id": 11, "protocol": "sip", "context": "default", "number": "1001"}],
                "voicemail": null, "groupmember": true, "queuemember": true}]}
    """)
    let users = "/service/ipbx/json.php/restricted/pbx_settings/users/"

    func send(_ fake: XiVOFake, _ method: String, _ path: String, _ body: String? = nil) -> HTTPResponse {
        let headers = body == nil ? [] : [("Content-Type", "application/json")]
        guard case .respond(let response) = fake.handle(HTTPRequest(method: method, path: path, headers: headers, body: body.map { Data($0.utf8) })) else {
            return HTTPResponse(status: 0)
        }
        return response
    }

    func testViewsLinefeaturesAsAListWhichEditRefuses() throws {
        let fake = try XiVOFake(state: seed)
        let view = try send(fake, "GET", users + "?act=view&id=1").json()
        XCTAssertEqual(view["linefeatures"]?.array?.first?["number"], .string("1001"))
        XCTAssertEqual(view["groupmember"]?.array?.count, 1, "a membership comes as its member rows, not true")
        let refused = send(fake, "POST", users + "?act=edit&id=1", #"{"userfeatures": {"firstname": "User", "entityid": 1}, "linefeatures": [{"id": 11, "number": "1002"}]}"#)
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused.text, "linefeatures must be an object of arrays, not the list view returns")
        let edited = send(fake, "POST", users + "?act=edit&id=1", #"{"userfeatures": {"firstname": "User", "entityid": 1}, "linefeatures": {"id": [11], "number": ["1002"]}}"#)
        XCTAssertEqual(edited.status, 200)
        let after = try send(fake, "GET", users + "?act=view&id=1").json()
        XCTAssertEqual(after["linefeatures"]?.array?.first?["number"], .string("1002"))
        XCTAssertEqual(after["groupmember"], .bool(false), "an edit drops group membership, as the document warns")
        XCTAssertEqual(after["queuemember"], .bool(false))
    }

    func testStatusCodesAsDocumented() throws {
        let fake = try XiVOFake(state: .object([]))
        XCTAssertEqual(send(fake, "GET", "/service/ipbx/json.php/restricted/call_management/pickup/?act=list").status, 204, "an empty list")
        XCTAssertEqual(send(fake, "GET", users + "?act=view&id=9").status, 404)
        XCTAssertEqual(send(fake, "POST", "/service/ipbx/json.php/restricted/call_management/schedule/?act=edit&id=1", "{}").status, 400, "schedules have no edit")
        XCTAssertEqual(send(fake, "GET", "/service/ipbx/json.php/restricted/system_management/context/?act=delete&id=default").status, 400, "nor contexts a delete")
        let skill = send(fake, "POST", "/callcenter/json.php/restricted/settings/queueskills?act=add", #"{"name": "x", "printscreen": "Abcde", "category_name": "c"}"#)
        XCTAssertEqual(skill.status, 400)
        XCTAssertEqual(skill.text, "printscreen should be less than 5 characters long")
        var plain = HTTPRequest(method: "POST", path: "/callcenter/json.php/restricted/settings/queueskills?act=add", headers: [("Content-Type", "text/plain")])
        plain.body = Data(#"{"name": "x"}"#.utf8)
        guard case .respond(let refused) = fake.handle(plain) else { return XCTFail("dropped") }
        XCTAssertEqual(refused.status, 415, "a body must be declared JSON")
        let locked = try XiVOFake(state: JSONParser.parse(#"{"credentials": [{"username": "ws", "password": "pw"}]}"#))
        XCTAssertEqual(send(locked, "GET", users + "?act=list").status, 401)
    }

    /// The required attributes of xivo-ws's objects are refused when missing.
    func testRequiredAttributesAsXivoWsDeclaresThem() throws {
        let fake = try XiVOFake(state: seed)
        func refusal(_ path: String, _ body: String) -> String {
            let response = send(fake, "POST", path, body)
            return "\(response.status) \(response.text)"
        }
        let line = #""linefeatures": {"protocol": ["sip"], "context": ["default"], "number": ["1003"]}"#
        XCTAssertEqual(refusal(users + "?act=add", #"{"userfeatures": {"firstname": "A"}, "# + line + "}"), "400 userfeatures.entityid is required")
        XCTAssertEqual(refusal(users + "?act=add", #"{"userfeatures": {"firstname": "A", "entityid": 1}, "voicemail": {"fullname": "A", "mailbox": "1003"}, "# + line + "}"),
                       "400 a voicemail needs the user's language (userfeatures.language)")
        XCTAssertEqual(refusal(users + "?act=edit&id=1", #"{"userfeatures": {"firstname": "User", "entityid": 1}, "voicemail": {"mailbox": "1001"}}"#),
                       "400 a voicemail edit must carry linefeatures in the edit form")
        XCTAssertEqual(refusal(users + "?act=edit&id=1", #"{"userfeatures": {"ringseconds": "10"}}"#),
                       "400 userfeatures must be given whole (firstname and entityid are missing)")
        XCTAssertEqual(refusal("/service/ipbx/json.php/restricted/call_management/schedule/?act=add", #"{"schedule": {"name": "office"}}"#),
                       "400 schedule.timezone is required")
        XCTAssertEqual(refusal("/service/ipbx/json.php/restricted/system_management/context/?act=add", #"{"context": {"name": "x", "displayname": "X", "contexttype": "internal"}}"#),
                       "400 context.entity is required")
    }
}
