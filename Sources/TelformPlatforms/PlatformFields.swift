import TelformCore

/// Field shapes several platforms share. Each platform's kind table still declares every
/// field itself; these only spell the common types once.
enum PlatformFields {
    /// The API address: https://... or sim://NAME.
    static func url(_ doc: String, default value: String? = nil) -> FieldSchema {
        var field = FieldSchema.string("url", StringRules(check: .apiURL), doc)
        if let value { field = field.defaulting(to: .string(value)) } else { field = field.required() }
        return field
    }

    /// A secret login setting, sent but never printed.
    static func secret(_ name: String, _ doc: String) -> FieldSchema {
        FieldSchema.string(name, StringRules(minLength: 1), doc).sensitive.flagged(.credential).required()
    }

    /// A login setting that is not secret (user names, client ids).
    static func login(_ name: String, _ doc: String) -> FieldSchema {
        FieldSchema.string(name, StringRules(minLength: 1), doc).flagged(.credential).required()
    }

    /// A dialled number or short extension: digits, an optional leading +.
    static func dialRules(by: String? = nil) -> StringRules {
        StringRules(check: .regex("^\\+?[0-9]{1,20}$", "must be a phone number or extension: digits, optionally starting with +"), by: by, digits: true)
    }

    /// E.164 without the plus, as MTT writes numbers (74951234567).
    static let e164 = StringRules(check: .regex("^[0-9]{10,15}$", "must be a number in E.164 without + (10 to 15 digits, e.g. 74951234567)"), digits: true)

    /// A short internal number.
    static let extensionRules = StringRules(check: .regex("^[0-9]{2,10}$", "must be an extension: 2 to 10 digits"), digits: true)

    /// `forward` with the four call-forward cases the SIP platforms share.
    static func forward(noAnswerTimeout: ClosedRange<Int64>, by: String, wire: (String) -> String) -> FieldSchema {
        func target(_ name: String, _ doc: String) -> FieldSchema {
            .object(
                name,
                ObjectSchema([
                    FieldSchema.string("to", dialRules(), "Destination number.", wire: wire(name) + "_dest").required()
                ]), doc)
        }
        return .object(
            "forward",
            ObjectSchema([
                target("always", "Forward every call (unconditional)."),
                target("unavailable", "Forward when the phone is not registered."),
                .object(
                    "no_answer",
                    ObjectSchema([
                        FieldSchema.string("to", dialRules(), "Destination number.", wire: wire("no_answer") + "_dest").required(),
                        FieldSchema(
                            name: "timeout", type: .integer(IntegerRules(min: noAnswerTimeout.lowerBound, max: noAnswerTimeout.upperBound, by: by)),
                            doc: "Seconds of ringing before forwarding.", wire: wire("no_answer") + "_timeout"),
                    ]), "Forward when the call is not answered."),
                target("busy", "Forward when the line is busy."),
            ]), "Call forwarding; a case left out is disabled.")
    }
}

extension FieldSchema {
    init(name: String, type: FieldType, doc: String, wire: String? = nil) {
        self.init(name, type, doc, wire: wire)
    }
}
