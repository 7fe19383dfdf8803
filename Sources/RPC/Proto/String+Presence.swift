extension String {
    /// proto3 strings have no presence: empty means "not given".
    package var given: String? { isEmpty ? nil : self }
}
