import Foundation
import TelformCore
import XCTest

@testable import TelformSimulator

/// The xivo fake's documented behaviour, call by call.
final class XiVOTests: XCTestCase {
    let seed: JSONNode = try! JSONParser.parse(
        """
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
        let refused = send(
            fake, "POST", users + "?act=edit&id=1", #"{"userfeatures": {"firstname": "User", "entityid": 1}, "linefeatures": [{"id": 11, "number": "1002"}]}"#)
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused.text, "linefeatures must be an object of arrays, not the list view returns")
        let edited = send(
            fake, "POST", users + "?act=edit&id=1", #"{"userfeatures": {"firstname": "User", "entityid": 1}, "linefeatures": {"id": [11], "number": ["1002"]}}"#
        )
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
        XCTAssertEqual(
            send(fake, "POST", "/service/ipbx/json.php/restricted/call_management/schedule/?act=edit&id=1", "{}").status, 400, "schedules have no edit")
        XCTAssertEqual(
            send(fake, "GET", "/service/ipbx/json.php/restricted/system_management/context/?act=delete&id=default").status, 400, "nor contexts a delete")
        let skill = send(
            fake, "POST", "/callcenter/json.php/restricted/settings/queueskills?act=add", #"{"name": "x", "printscreen": "Abcde", "category_name": "c"}"#)
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
        XCTAssertEqual(
            refusal(
                users + "?act=add", #"{"userfeatures": {"firstname": "A", "entityid": 1}, "voicemail": {"fullname": "A", "mailbox": "1003"}, "# + line + "}"),
            "400 a voicemail needs the user's language (userfeatures.language)")
        XCTAssertEqual(
            refusal(users + "?act=edit&id=1", #"{"userfeatures": {"firstname": "User", "entityid": 1}, "voicemail": {"mailbox": "1001"}}"#),
            "400 a voicemail edit must carry linefeatures in the edit form")
        XCTAssertEqual(
            refusal(users + "?act=edit&id=1", #"{"userfeatures": {"ringseconds": "10"}}"#),
            "400 userfeatures must be given whole (firstname and entityid are missing)")
        XCTAssertEqual(
            refusal("/service/ipbx/json.php/restricted/call_management/schedule/?act=add", #"{"schedule": {"name": "office"}}"#),
            "400 schedule.timezone is required")
        XCTAssertEqual(
            refusal(
                "/service/ipbx/json.php/restricted/system_management/context/?act=add",
                #"{"context": {"name": "x", "displayname": "X", "contexttype": "internal"}}"#),
            "400 context.entity is required")
    }

    /// What xivo-ws reads and sends, answered as XiVO answers it (its tests' shapes).
    func testAnswersInTheShapesXivoWsReads() throws {
        let fake = try XiVOFake(state: seed)
        // The users list: the userfeatures with the fields xivo-ws's `from_list_obj_dict` reads.
        let listed = try XCTUnwrap(try send(fake, "GET", users + "?act=list").json().array?.first)
        XCTAssertEqual(listed["id"], .int(1))
        for key in [
            "entityid", "firstname", "lastname", "enableclient", "loginclient", "passwdclient", "cti_profile_id", "bsfilter", "enablexfer", "agentid",
            "mobilephonenumber",
        ] {
            XCTAssertNotNil(listed[key], key)
        }
        // Lines carry their protocol's fields (a SIP line's name, type, username, secret...).
        let line = try XCTUnwrap(try send(fake, "GET", "/service/ipbx/json.php/restricted/pbx_settings/lines/?act=list").json().array?.first)
        XCTAssertEqual(line["protocol"], .string("sip"))
        XCTAssertEqual(line["type"], .string("friend"))
        XCTAssertEqual(line["host"], .string("dynamic"))
        XCTAssertEqual(line["iduserfeatures"], .int(1))
        // A user added as xivo-ws adds one: number as a JSON number, its voicemail as
        // `{name, number, context, password}`; the add answers the new id.
        let added = send(
            fake, "POST", users + "?act=add",
            """
            {"userfeatures": {"firstname": "Jack", "entityid": 2, "language": "en_US"},
             "linefeatures": {"protocol": ["sip"], "context": ["default"], "number": [1061], "secret": ["toto"]},
             "voicemail": {"name": "jack", "number": 1061, "context": "default", "password": "0000"}}
            """)
        XCTAssertEqual(added.status, 200, added.text)
        let id = try XCTUnwrap(try added.json().string)
        let jack = try send(fake, "GET", users + "?act=view&id=" + id).json()
        XCTAssertEqual(jack["linefeatures"]?.array?.first?["number"], .string("1061"), "kept as text")
        XCTAssertEqual(jack["voicemail"]?["mailbox"], .string("1061"))
        XCTAssertEqual(jack["voicemail"]?["fullname"], .string("jack"))
        let box = try XCTUnwrap(jack["voicemail"]?["uniqueid"])
        XCTAssertEqual(jack["userfeatures"]?["voicemailid"], .string(String(box.int ?? 0)))
        // The same line as text is the same line.
        let again = send(
            fake, "POST", users + "?act=add",
            #"{"userfeatures": {"firstname": "J2", "entityid": 1}, "linefeatures": {"protocol": ["sip"], "context": ["default"], "number": ["1061"]}}"#)
        XCTAssertEqual("\(again.status) \(again.text)", "400 line 1061@default is already used")
        // The voicemail list (xivo-ws `VoicemailWebService`) gives each box's id and mailbox.
        let boxes = try send(fake, "GET", "/service/ipbx/json.php/restricted/pbx_settings/voicemail/?act=list").json().array ?? []
        XCTAssertEqual(boxes.map { "\($0["uniqueid"]?.int ?? 0) \($0["mailbox"]?.string ?? "")" }, ["\(box.int ?? 0) 1061"])
        // act=search, as documented for users (by number too), lines and incalls.
        let found = try send(fake, "GET", users + "?act=search&search=1061").json().array ?? []
        XCTAssertEqual(found.map { $0["firstname"] }, [.string("Jack")])
        XCTAssertEqual(send(fake, "GET", users + "?act=search&search=nobody").status, 204)
        XCTAssertEqual(try send(fake, "GET", "/service/ipbx/json.php/restricted/pbx_settings/lines/?act=search&search=100").json().array?.count, 1)
        // An incall whose exten is a JSON number, to the box by its id.
        let incall = send(
            fake, "POST", "/service/ipbx/json.php/restricted/call_management/incall/?act=add",
            #"{"incall": {"exten": 1400, "context": "from-extern"}, "dialaction": {"answer": {"actiontype": "voicemail", "actionarg1": "\#(box.int ?? 0)", "actionarg2": ""}}}"#
        )
        XCTAssertEqual(incall.status, 200, incall.text)
        XCTAssertEqual(
            try send(fake, "GET", "/service/ipbx/json.php/restricted/call_management/incall/?act=search&search=1400").json().array?.first?["exten"],
            .string("1400"))
        let byMailbox = send(
            fake, "POST", "/service/ipbx/json.php/restricted/call_management/incall/?act=add",
            #"{"incall": {"exten": "1401", "context": "from-extern"}, "dialaction": {"answer": {"actiontype": "voicemail", "actionarg1": "1061"}}}"#)
        XCTAssertEqual("\(byMailbox.status) \(byMailbox.text)", "400 voicemail \"1061\" does not exist (give its id)")
        let endcall = send(
            fake, "POST", "/service/ipbx/json.php/restricted/call_management/incall/?act=add",
            #"{"incall": {"exten": "1402", "context": "from-extern"}, "dialaction": {"answer": {"actiontype": "endcall", "actionarg1": "busy"}}}"#)
        XCTAssertEqual("\(endcall.status) \(endcall.text)", "400 dialaction.answer.action must be hangup, busy or congestion with actiontype endcall")
        // A schedule keeps its entity; a context's number ranges carry their didlength.
        let schedule = send(
            fake, "POST", "/service/ipbx/json.php/restricted/call_management/schedule/?act=add",
            #"{"schedule": {"entity_id": 2, "name": "office", "timezone": "Europe/Paris"}, "dialaction": {"schedule_fallback": {"actiontype": "none"}}, "opened": []}"#
        )
        XCTAssertEqual(schedule.status, 200)
        XCTAssertEqual(try send(fake, "GET", "/service/ipbx/json.php/restricted/call_management/schedule/?act=list").json().array?.first?["entity_id"], .int(2))
        let context = send(
            fake, "POST", "/service/ipbx/json.php/restricted/system_management/context/?act=add",
            #"{"context": {"name": "in", "displayname": "In", "entity": "acme", "contexttype": "incall"}, "contextnumbers": {"incall": [{"numberbeg": 230, "numberend": 239, "didlength": 3}], "user": [{"numberbeg": "1000", "numberend": "1999"}]}}"#
        )
        XCTAssertEqual(context.status, 200)
        let numbers = try send(fake, "GET", "/service/ipbx/json.php/restricted/system_management/context/?act=view&id=in").json()["contextnumbers"]
        XCTAssertEqual(numbers?["incall"]?.array?.first?["didlength"], .int(3))
        XCTAssertEqual(numbers?["user"]?.array?.first?["didlength"], .string("0"))
    }

    /// The current web services, as the web interface's last code behaves (d8ca970).
    func testTheCurrentWebServicesAsTheirCodeBehaves() throws {
        let fake = try XiVOFake(
            state: JSONParser.parse(
                """
                {"web_services": "current", "users": [{"userfeatures": {"id": 1, "firstname": "User", "lastname": "One"},
                  "linefeatures": [{"id": 11, "protocol": "sip", "context": "default", "number": "1001"}], "voicemail": false}]}
                """))
        func status(_ method: String, _ path: String, _ body: String? = nil) -> String {
            let response = send(fake, method, path, body)
            return "\(response.status) \(response.text)"
        }
        let line = try XCTUnwrap(try send(fake, "GET", "/service/ipbx/json.php/restricted/pbx_settings/lines/?act=list").json().array?.first)
        XCTAssertNil(line["iduserfeatures"], "the lines list lost iduserfeatures in 2013")
        // One-element arrays lose their only value: the user is made without a line.
        let added = send(
            fake, "POST", users + "?act=add",
            #"{"userfeatures": {"firstname": "Two", "callerid": "Boss"}, "linefeatures": {"protocol": ["sip"], "context": ["default"], "number": ["1002"]}, "voicemail-option": "add", "voicemail": {"mailbox": "1002", "fullname": "Two"}}"#
        )
        XCTAssertEqual(added.status, 200)
        let two = try send(fake, "GET", users + "?act=view&id=" + (try added.json().string ?? "")).json()
        XCTAssertEqual(two["linefeatures"], .bool(false))
        XCTAssertEqual(two["voicemail"], .bool(false), "voicemail-option is not read; a box is {number, context}")
        XCTAssertEqual(two["userfeatures"]?["callerid"], .string("\"Two\""), "the caller id is the name, whatever was sent")
        XCTAssertEqual(two["userfeatures"]?["entityid"], .int(1))
        // With the trailing value, the line is made; a box in xivo-ws's form is added.
        let three = send(
            fake, "POST", users + "?act=add",
            #"{"userfeatures": {"firstname": "Three"}, "linefeatures": {"protocol": ["sip", ""], "context": ["default", ""], "number": ["1003", ""]}, "voicemail": {"number": "1003", "context": "default"}}"#
        )
        let view = try send(fake, "GET", users + "?act=view&id=" + (try three.json().string ?? "")).json()
        XCTAssertEqual(view["linefeatures"]?.array?.first?["number"], .string("1003"))
        XCTAssertEqual(view["voicemail"]?["number"], .string("1003"), "view shows the box's number, not mailbox")
        XCTAssertEqual(view["voicemail"]?["name"], .string("Three"))
        // An edit without linefeatures deletes the line; a box for a user who has one is refused.
        XCTAssertEqual(status("POST", users + "?act=edit&id=1", #"{"userfeatures": {"ringseconds": "30"}}"#), "200 ")
        XCTAssertEqual(try send(fake, "GET", users + "?act=view&id=1").json()["linefeatures"], .bool(false))
        let threeID = try three.json().string ?? ""
        XCTAssertEqual(
            status(
                "POST", users + "?act=edit&id=" + threeID,
                #"{"userfeatures": {}, "linefeatures": {"id": [1], "number": ["1003", ""]}, "voicemail": {"number": "1004", "context": "default"}}"#),
            "400 the user already has a voicemail")
        // Entities, number ranges, and the services that are gone.
        XCTAssertEqual(
            status(
                "POST", "/service/ipbx/json.php/restricted/call_management/schedule/?act=add",
                #"{"schedule": {"name": "s", "timezone": "Europe/Paris"}, "opened": []}"#),
            "400 schedule.entity_id is required")
        XCTAssertEqual(
            status("POST", "/service/ipbx/json.php/restricted/call_management/pickup/?act=add", #"{"name": "p", "members": []}"#), "400 entity_id is required")
        XCTAssertEqual(
            status(
                "POST", "/service/ipbx/json.php/restricted/system_management/context/?act=add",
                #"{"context": {"name": "c", "displayname": "C", "entity": "e", "contexttype": "internal"}}"#),
            "400 a context needs number ranges (contextnumbers)")
        XCTAssertEqual(send(fake, "GET", "/service/ipbx/json.php/restricted/pbx_services/parkinglot?act=list").status, 404)
        XCTAssertEqual(send(fake, "GET", "/service/ipbx/json.php/restricted/pbx_settings/voicemail/?act=list").status, 404)
        XCTAssertEqual(
            send(fake, "POST", "/callcenter/json.php/restricted/settings/queueskills?act=add", #"{"name": "en", "printscreen": "En", "category_name": "l"}"#)
                .status, 200)
        XCTAssertNil(try send(fake, "GET", "/callcenter/json.php/restricted/settings/queueskills?act=list").json().array?.first?["printscreen"])
    }
}
