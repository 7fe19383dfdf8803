/// The smallest number of members that is more than half of `count`: any two such sets share
/// a member, which is what every quorum here (ABD's reads and writes, Raft's elections and
/// commits, a pool's winning vote, a cluster that can still serve) relies on.
///
/// Guarantees: `2 × majority(of: n) > n` and `2 × (majority(of: n) - 1) ≤ n` for every `n ≥ 0`.
public func majority(of count: Int) -> Int { count / 2 + 1 }
