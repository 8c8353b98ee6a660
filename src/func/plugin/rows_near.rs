//! `rows_near(Condition, NumRows [, RowsAfter])`: the rows where the condition holds and, around
//! each, `NumRows` rows before and `RowsAfter` (default `NumRows`) after, in input order, each
//! row once. <https://learn.microsoft.com/en-us/kusto/query/rows-near-plugin>

/// Which of `len` rows to keep, given each row's condition.
pub fn rows_near(matches: &[bool], before: usize, after: usize) -> Vec<usize> {
    let len = matches.len();
    let mut keep = vec![false; len];
    for (i, _) in matches.iter().enumerate().filter(|(_, m)| **m) {
        let start = i.saturating_sub(before);
        let end = i.saturating_add(after).min(len.saturating_sub(1));
        for k in &mut keep[start..=end] {
            *k = true;
        }
    }
    (0..len).filter(|&i| keep[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_are_kept_once_and_clipped_at_the_ends() {
        let m = [false, true, false, false, false, true, false];
        assert_eq!(rows_near(&m, 1, 1), vec![0, 1, 2, 4, 5, 6]);
        assert_eq!(rows_near(&m, 3, 0), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(rows_near(&[false; 3], 2, 2), Vec::<usize>::new());
        assert_eq!(rows_near(&[], 2, 2), Vec::<usize>::new());
    }
}
