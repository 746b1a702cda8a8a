//! Small-cell suppression for the public tables.
//!
//! A count under 5 could point at a person ("the 2 women from this district who left for
//! Qatar in March"), so the public never sees one (primary suppression). Hiding only those
//! cells is not enough: the row and column totals are public too (a table by region is the
//! margin of a table by region and gender), and a single hidden cell in a row is the row
//! total minus the others. So more cells are hidden (complementary suppression) until no
//! hidden count under 5 can be worked out from the published cells and the totals:
//!
//! 1. every row and column holding a hidden cell holds at least two;
//! 2. in a two-way table, the hidden cells form a graph (rows and columns are its nodes, a
//!    hidden cell joins its row to its column); a hidden cell is determined by the totals
//!    exactly when it is a *bridge* of that graph (taking it out disconnects it). Each
//!    bridge gets a second path by hiding one more cell across it.
//!
//! A line (row or column) with a single cell under 5 has a total under 5, which its own
//! table hides, so that total is not an equation an outsider has; such lines are merged into
//! one "unknown" node. Complementary cells are the smallest counts that do the job, and never
//! cells that are alone in their other line (those would be given away by that line's total).
//! Tables cross at most two characteristics; the public API refuses more.

use std::collections::HashMap;

/// The smallest count shown to the public.
pub const THRESHOLD: i64 = 5;

/// Which of `cells` (coordinates, positive count) to hide. Cells not listed are zero.
pub fn suppress(cells: &[(Vec<String>, i64)]) -> Vec<bool> {
    let mut hidden: Vec<bool> = cells.iter().map(|(_, n)| *n < THRESHOLD).collect();
    let dims = cells.first().map_or(0, |(k, _)| k.len());
    if dims == 0 || !hidden.iter().any(|h| *h) {
        return hidden;
    }
    let lines = Lines::new(cells, dims);
    loop {
        let mut changed = lines.pair_up(cells, &mut hidden);
        if dims == 2 && !changed {
            changed = lines.break_bridge(cells, &mut hidden);
        }
        if !changed {
            return hidden;
        }
    }
}

/// The cells of each line: `of[d][line]` lists the cells that agree on every coordinate
/// but `d`; `line_of[d][cell]` is the line of a cell along `d`.
struct Lines {
    of: Vec<Vec<Vec<usize>>>,
    line_of: Vec<Vec<usize>>,
}

impl Lines {
    fn new(cells: &[(Vec<String>, i64)], dims: usize) -> Self {
        let mut of = vec![];
        let mut line_of = vec![];
        for d in 0..dims {
            let mut index: HashMap<Vec<&str>, usize> = HashMap::new();
            let mut lines: Vec<Vec<usize>> = vec![];
            let mut mine = vec![0; cells.len()];
            for (i, (key, _)) in cells.iter().enumerate() {
                let rest: Vec<&str> = key
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != d)
                    .map(|(_, v)| v.as_str())
                    .collect();
                let next = lines.len();
                let line = *index.entry(rest).or_insert(next);
                if line == lines.len() {
                    lines.push(vec![]);
                }
                lines[line].push(i);
                mine[i] = line;
            }
            of.push(lines);
            line_of.push(mine);
        }
        Lines { of, line_of }
    }

    /// Rule 1: a line of several cells with exactly one hidden gets a second. True if any
    /// cell was hidden.
    fn pair_up(&self, cells: &[(Vec<String>, i64)], hidden: &mut [bool]) -> bool {
        let mut changed = false;
        for (d, lines) in self.of.iter().enumerate() {
            for line in lines {
                let count = line.iter().filter(|i| hidden[**i]).count();
                if count != 1 || line.len() < 2 {
                    continue;
                }
                if let Some(pick) = self.cheapest(cells, hidden, line.iter().copied(), d) {
                    hidden[pick] = true;
                    changed = true;
                }
            }
        }
        changed
    }

    /// The visible cell of `candidates` best hidden next: not alone in its line across `d`
    /// if possible, then the smallest count.
    fn cheapest(
        &self,
        cells: &[(Vec<String>, i64)],
        hidden: &[bool],
        candidates: impl Iterator<Item = usize>,
        d: usize,
    ) -> Option<usize> {
        candidates.filter(|i| !hidden[*i]).min_by_key(|i| {
            let alone_elsewhere = self
                .line_of
                .iter()
                .enumerate()
                .filter(|(e, _)| *e != d)
                .any(|(e, of_cell)| self.of[e][of_cell[*i]].len() < 2);
            (alone_elsewhere, cells[*i].1, *i)
        })
    }

    /// Rule 2 (two-way tables): finds a hidden count under 5 that is a bridge and hides one
    /// more cell in its row or column, one that closes a cycle around it if there is one.
    /// True if any cell was hidden.
    fn break_bridge(&self, cells: &[(Vec<String>, i64)], hidden: &mut [bool]) -> bool {
        let graph = Graph::of(self, cells, hidden);
        for edge in graph.bridges() {
            let cell = graph.cells[edge];
            if cells[cell].1 >= THRESHOLD {
                // A bigger count worked out is one that could have been shown anyway.
                continue;
            }
            let (a, _) = graph.ends[edge];
            let side_a = graph.reach_without(edge, a);
            let neighbours: Vec<usize> = self.of[0][self.line_of[0][cell]]
                .iter()
                .chain(&self.of[1][self.line_of[1][cell]])
                .copied()
                .filter(|i| !hidden[*i])
                .collect();
            // A visible cell joining the two sides makes a second path between them.
            let across = neighbours.iter().copied().filter(|i| {
                let (r, c) = graph.nodes_of(self, *i);
                side_a[r] != side_a[c]
            });
            let pick = self
                .cheapest(cells, hidden, across, 2)
                .or_else(|| self.cheapest(cells, hidden, neighbours.iter().copied(), 2));
            if let Some(pick) = pick {
                hidden[pick] = true;
                return true;
            }
        }
        false
    }
}

/// The hidden cells of a two-way table as a graph: node `r` is row line `r`, node
/// `rows + c` column line `c`, and node `unknown` stands for every line whose total is not
/// published (a single cell under 5).
struct Graph {
    nodes: usize,
    ends: Vec<(usize, usize)>,
    cells: Vec<usize>,
    rows: usize,
}

impl Graph {
    fn of(lines: &Lines, cells: &[(Vec<String>, i64)], hidden: &[bool]) -> Self {
        // `of[1]` groups by the first coordinate (lines along the second): the rows.
        let rows = lines.of[1].len();
        let cols = lines.of[0].len();
        let unknown = rows + cols;
        let mut graph = Graph {
            nodes: unknown + 1,
            ends: vec![],
            cells: vec![],
            rows,
        };
        for (i, is_hidden) in hidden.iter().enumerate() {
            if *is_hidden {
                let (r, c) = graph.nodes_of(lines, i);
                let small = cells[i].1 < THRESHOLD;
                let r = if small && lines.of[1][r].len() == 1 {
                    unknown
                } else {
                    r
                };
                let c = if small && lines.of[0][c - rows].len() == 1 {
                    unknown
                } else {
                    c
                };
                graph.ends.push((r, c));
                graph.cells.push(i);
            }
        }
        graph
    }

    /// The row and column nodes of cell `i` (not merged into `unknown`).
    fn nodes_of(&self, lines: &Lines, i: usize) -> (usize, usize) {
        (lines.line_of[1][i], self.rows + lines.line_of[0][i])
    }

    fn adjacency(&self) -> Vec<Vec<(usize, usize)>> {
        let mut adj = vec![vec![]; self.nodes];
        for (e, (a, b)) in self.ends.iter().enumerate() {
            adj[*a].push((*b, e));
            adj[*b].push((*a, e));
        }
        adj
    }

    /// The edges whose removal disconnects their ends (Tarjan's low-link, iteratively).
    fn bridges(&self) -> Vec<usize> {
        let adj = self.adjacency();
        let mut order = vec![usize::MAX; self.nodes];
        let mut low = vec![0; self.nodes];
        let mut found = vec![];
        let mut clock = 0;
        for root in 0..self.nodes {
            if order[root] != usize::MAX {
                continue;
            }
            // (node, edge it was reached by, next neighbour to look at)
            let mut stack = vec![(root, usize::MAX, 0)];
            order[root] = clock;
            low[root] = clock;
            clock += 1;
            while let Some(&mut (node, via, ref mut next)) = stack.last_mut() {
                if let Some(&(to, edge)) = adj[node].get(*next) {
                    *next += 1;
                    if edge == via {
                        continue;
                    }
                    if order[to] == usize::MAX {
                        order[to] = clock;
                        low[to] = clock;
                        clock += 1;
                        stack.push((to, edge, 0));
                    } else {
                        low[node] = low[node].min(order[to]);
                    }
                } else {
                    stack.pop();
                    if let Some(&(parent, _, _)) = stack.last() {
                        low[parent] = low[parent].min(low[node]);
                        if low[node] > order[parent] {
                            found.push(via);
                        }
                    }
                }
            }
        }
        found
    }

    /// Which nodes `from` reaches without `edge`, as a map over all nodes.
    fn reach_without(&self, edge: usize, from: usize) -> Vec<bool> {
        let adj = self.adjacency();
        let mut seen = vec![false; self.nodes];
        seen[from] = true;
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            for &(to, e) in &adj[node] {
                if e != edge && !seen[to] {
                    seen[to] = true;
                    stack.push(to);
                }
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(values: &[Vec<i64>]) -> Vec<(Vec<String>, i64)> {
        let mut cells = vec![];
        for (r, row) in values.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if *v > 0 {
                    cells.push((vec![format!("r{r}"), format!("c{c}")], *v));
                }
            }
        }
        cells
    }

    /// Whether hidden cell `i` can be worked out from the published cells and the totals of
    /// the lines: found independently of `suppress`, by checking every hidden cell for a
    /// second path (through other hidden cells) between its row and its column.
    fn recoverable(cells: &[(Vec<String>, i64)], hidden: &[bool]) -> Vec<usize> {
        let row_count = |r: &str| cells.iter().filter(|(k, _)| k[0] == r).count();
        let col_count = |c: &str| cells.iter().filter(|(k, _)| k[1] == c).count();
        let node = |i: usize, side: usize| -> String {
            let (k, n) = &cells[i];
            let alone = if side == 0 {
                row_count(&k[0])
            } else {
                col_count(&k[1])
            } == 1;
            if *n < THRESHOLD && alone {
                "unknown".into()
            } else {
                format!("{side}:{}", k[side])
            }
        };
        let edges: Vec<(usize, String, String)> = (0..cells.len())
            .filter(|i| hidden[*i])
            .map(|i| (i, node(i, 0), node(i, 1)))
            .collect();
        let mut out = vec![];
        for (i, a, b) in &edges {
            let mut seen = vec![a.clone()];
            let mut frontier = vec![a.clone()];
            while let Some(at) = frontier.pop() {
                for (j, x, y) in &edges {
                    if j == i {
                        continue;
                    }
                    for (from, to) in [(x, y), (y, x)] {
                        if *from == at && !seen.contains(to) {
                            seen.push(to.clone());
                            frontier.push(to.clone());
                        }
                    }
                }
            }
            if !seen.contains(b) {
                out.push(*i);
            }
        }
        out
    }

    #[test]
    fn a_lone_small_cell_in_a_row_takes_a_partner() {
        let cells = table(&[vec![3, 40, 50], vec![20, 30, 60]]);
        let hidden = suppress(&cells);
        // 3 is hidden; its row and its column each need a second hidden cell, and the four
        // make a rectangle: 3 and 20 in column 0, 40 and 30 in column 1.
        assert_eq!(hidden.iter().filter(|h| **h).count(), 4);
        assert!(hidden[0]);
        assert!(recoverable(&cells, &hidden).is_empty());
    }

    #[test]
    fn the_checker_finds_what_primary_suppression_alone_leaves_open() {
        let cells = table(&[vec![3, 40], vec![20, 30]]);
        let only_primary = vec![true, false, false, false];
        assert_eq!(recoverable(&cells, &only_primary), vec![0]);
        let a_pair_in_the_row = vec![true, true, false, false];
        assert_eq!(recoverable(&cells, &a_pair_in_the_row), vec![0, 1]);
        assert!(recoverable(&cells, &[true; 4]).is_empty());
    }

    #[test]
    fn a_one_way_table_never_shows_a_single_hidden_cell() {
        let cells: Vec<(Vec<String>, i64)> = [("a", 2), ("b", 100), ("c", 7)]
            .iter()
            .map(|(k, n)| (vec![k.to_string()], *n))
            .collect();
        assert_eq!(suppress(&cells), vec![true, false, true]);
    }

    #[test]
    fn nothing_small_hides_nothing() {
        let cells = table(&[vec![5, 6], vec![7, 8]]);
        assert_eq!(suppress(&cells), vec![false; 4]);
    }

    fn tables() -> impl Strategy<Value = Vec<Vec<i64>>> {
        (2usize..7, 2usize..7).prop_flat_map(|(rows, cols)| {
            // Mostly small counts and some zeros, so most tables need suppression.
            let value = prop_oneof![3 => 0i64..5, 2 => 5i64..40, 1 => Just(0)];
            proptest::collection::vec(proptest::collection::vec(value, cols), rows)
        })
    }

    /// Tables without empty cells, where suppression can always protect every small count.
    fn full_tables() -> impl Strategy<Value = Vec<Vec<i64>>> {
        (2usize..7, 2usize..7).prop_flat_map(|(rows, cols)| {
            let value = prop_oneof![1 => 1i64..5, 2 => 5i64..40];
            proptest::collection::vec(proptest::collection::vec(value, cols), rows)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn no_small_cell_survives_and_none_can_be_recovered(values in tables()) {
            let cells = table(&values);
            let hidden = suppress(&cells);
            for (i, (_, n)) in cells.iter().enumerate() {
                prop_assert!(hidden[i] || *n >= THRESHOLD, "cell {i} = {n} shown");
            }
            // A hidden count under 5 is worked out from the totals only where nothing in
            // its row or column is left to hide (its row total minus column totals of
            // cells alone in their columns: no suppression inside one table helps).
            for i in recoverable(&cells, &hidden) {
                if cells[i].1 >= THRESHOLD {
                    continue;
                }
                let exhausted = cells.iter().enumerate().all(|(j, (k, _))| {
                    hidden[j] || (k[0] != cells[i].0[0] && k[1] != cells[i].0[1])
                });
                prop_assert!(exhausted, "cell {i} recoverable in {values:?}, hidden {hidden:?}");
            }
        }

        #[test]
        fn in_a_full_table_no_hidden_small_count_is_recoverable(values in full_tables()) {
            let cells = table(&values);
            let hidden = suppress(&cells);
            let small: Vec<usize> = recoverable(&cells, &hidden)
                .into_iter()
                .filter(|i| cells[*i].1 < THRESHOLD)
                .collect();
            prop_assert!(small.is_empty(), "recoverable {small:?} in {values:?}, hidden {hidden:?}");
        }
    }
}
