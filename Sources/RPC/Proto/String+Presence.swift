extension String {
    /// proto3 strings have no presence: empty means "not given".
    public var given: String? { isEmpty ? nil : self }
}
