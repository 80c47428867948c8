"""telos.learn — the bootstrap loop: conjecture, prove, relabel with hindsight, train.

Difficulty buckets, hindsight relabeling, goal sets and alpha schedules, the lemma library,
checkpoints and exact resume (DESIGN, "One iteration, as data" and "Definitions").
"""
