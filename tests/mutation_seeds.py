"""Valid proofs in the style of the attacks of `../shared/peano/attacks/`, to mutate.

One text per theory: definitions with lambdas (whose parameter names clash with the arguments
they are applied to, as in C1), proof definitions (as in D2, but of the right type), and proofs
of statements whose binders shadow one another (as in F1-F3, but true, and proved the honest
way). Mutants of these (`mutants.py`) are the false statements the attacks are made of, and the
checker must refuse them as it accepts these.
"""

from __future__ import annotations

SEEDS = {
    "nat-add": """
L3 : [nat -> nat -> nat -> prop] = (lambda ('a : nat, 'b : nat, 'b_0 : nat) (= 'b 'b)).
Add0 : [nat -> nat] = (lambda ('n : nat) (+ 'n z)).
Twice : [nat -> nat] = (lambda ('x : nat) (+ 'x 'x)).
Eq : [nat -> nat -> prop] = (lambda ('b : nat, 'a : nat) (= 'b 'a)).
pz : [('n : nat) -> (= (+ 'n z) 'n)] = +_z.

theorem lam_capture : [('b : nat) -> (L3 'b z 'b)] {
    intro x : nat.
    show (= z z) by eq_refl.
}

theorem add0_def : [('n : nat) -> (= (Add0 'n) 'n)] {
    intro n : nat.
    show (= (+ n z) n) by +_z.
}

theorem eq_swap : [('a : nat) -> ('b : nat) -> (Eq 'a 'b) -> (Eq 'b 'a)] {
    intro a : nat.
    intro b : nat.
    intro h : (= a b).
    show (= b a) by eq_symm.
}

theorem twice_zero : (= (Twice z) z) {
    show (= (+ z z) z) by pz.
}

theorem shadow_refl : [('n : nat) -> (= 'n z) -> [('n : nat) -> (= 'n 'n)]] {
    intro n : nat.
    intro h : (= n z).
    intro m : nat.
    show (= m m) by eq_refl.
}

theorem shadow_goal : [('b : nat) -> [('b : nat) -> (= 'b 'b)] -> (= 'b 'b)] {
    goal [('a : nat) -> [('c : nat) -> (= 'c 'c)] -> (= 'a 'a)] {
        intro a : nat.
        intro h : [('c : nat) -> (= 'c 'c)].
        show (= a a) by eq_refl.
    }
}

theorem L : [[('a : nat) -> ('c : nat) -> (= 'a 'c)] -> (= (s z) z)] {
    intro h : [('a : nat) -> ('c : nat) -> (= 'a 'c)].
    show (= (s z) z) by h.
}

theorem have_shadow : [('x : nat) -> (= (+ 'x z) 'x)] {
    intro x : nat.
    have [('b : nat) -> ('b : nat) -> (= 'b 'b)] {
        intro y : nat.
        intro y2 : nat.
        show (= y2 y2) by eq_refl.
    }
    show (= (+ x z) x) by +_z.
}

theorem strong_hyp : [('a : nat) -> [('c : nat) -> (= 'a 'c)] -> (= (s z) z)] {
    intro a : nat.
    intro h : [('c : nat) -> (= a 'c)].
    show (= a (s z)) by h.
    show (= a z) by h.
    show (= (s z) a) by eq_symm.
    show (= (s z) z) by rewrite.
}

theorem closes_shadowed : [('n : nat) -> (= (+ z 'n) 'n) -> [('n : nat) -> (= (+ 'n z) 'n)]] {
    intro n : nat.
    intro h : (= (+ z n) n).
}

theorem ind_shadow : [('n : nat) -> (= 'n 'n) -> [('n : nat) -> (= 'n 'n)]] {
    apply nat_ind.
    goal [(= z z) -> [('n : nat) -> (= 'n 'n)]] {
        intro h : (= z z).
        intro m : nat.
        show (= m m) by eq_refl.
    }
    goal [('k : nat) -> [(= 'k 'k) -> [('j : nat) -> (= 'j 'j)]] ->
          [(= (s 'k) (s 'k)) -> [('i : nat) -> (= 'i 'i)]]] {
        intro k : nat.
        intro ih : [(= k k) -> [('j : nat) -> (= 'j 'j)]].
        intro h : (= (s k) (s k)).
        intro m : nat.
        show (= m m) by eq_refl.
    }
}
""",
    "nat-mul": """
Sq : [nat -> nat] = (lambda ('n : nat) (* 'n 'n)).
Mz : [nat -> prop] = (lambda ('m : nat) (= (* 'm z) z)).

theorem sq_zero : (= (Sq z) z) {
    show (= (* z z) z) by *_z.
}

theorem mul_zero_all : [('n : nat) -> (Mz 'n)] {
    intro n : nat.
    show (= (* n z) z) by *_z.
}

theorem m_shadow : [('a : nat) -> [('a : nat) -> (= (* 'a z) z)] -> (= (* 'a (s z)) (+ 'a z))] {
    intro a : nat.
    intro h : [('b : nat) -> (= (* 'b z) z)].
    show (= (* a (s z)) (+ a (* a z))) by *_s.
    show (= (* a z) z) by h.
    show (= (* a (s z)) (+ a z)) by rewrite.
}
""",
    "groups": """
Sq : [G -> G] = (lambda ('x : G) (op 'x 'x)).
Comm : [G -> G -> prop] = (lambda ('b : G, 'a : G) (= (op 'b 'a) (op 'a 'b))).
idl : [('a : G) -> (= (op id 'a) 'a)] = id_l.

theorem sq_def : [('a : G) -> (= (Sq 'a) (op 'a 'a))] {
    intro a : G.
    show (= (op a a) (op a a)) by eq_refl.
}

theorem comm_all : [('a : G) -> ('b : G) -> (Comm 'a 'b)] {
    intro a : G.
    intro b : G.
    show (= (op a b) (op b a)) by op_comm.
}

theorem g_shadow : [('x : G) -> [('x : G) -> (= 'x 'x)] -> (= (op 'x id) 'x)] {
    intro x : G.
    intro h : [('y : G) -> (= 'y 'y)].
    show (= (op x id) (op id x)) by op_comm.
    show (= (op id x) x) by idl.
    show (= (op x id) x) by rewrite.
}

theorem g_strong_hyp : [('a : G) -> [('c : G) -> (= 'a 'c)] -> ('x : G) -> (= 'x id)] {
    intro a : G.
    intro h : [('c : G) -> (= a 'c)].
    intro x : G.
    show (= a x) by h.
    show (= a id) by h.
    show (= x a) by eq_symm.
    show (= x id) by rewrite.
}

theorem g_shadow_goal : [('b : G) -> [('b : G) -> (= 'b 'b)] -> (= (op id 'b) 'b)] {
    goal [('a : G) -> [('c : G) -> (= 'c 'c)] -> (= (op id 'a) 'a)] {
        intro a : G.
        intro h : [('c : G) -> (= 'c 'c)].
        show (= (op id a) a) by id_l.
    }
}
""",
    "propositional-logic": """
Imp : [prop -> prop -> prop] = (lambda ('A : prop, 'B : prop) ['A -> 'B]).
Both : [prop -> prop -> prop] = (lambda ('B : prop, 'A : prop) (and 'B 'A)).
Id : [prop -> prop] = (lambda ('p : prop) 'p).

theorem imp_self : [('A : prop) -> (Imp 'A 'A)] {
    intro A : prop.
    intro a : A.
}

theorem both_comm : [('A : prop) -> ('B : prop) -> (Both 'A 'B) -> (Both 'B 'A)] {
    intro A : prop.
    intro B : prop.
    intro h : (and A B).
    show A by and_el.
    show B by and_er.
    show (and B A) by and_i.
}

theorem id_em : [('q : prop) -> (Id (or 'q (not 'q)))] {
    intro q : prop.
    show (or q (not q)) by em.
}

theorem shadow_prop : [('b : prop) -> 'b -> [('b : prop) -> ['b -> 'b]] -> 'b] {
    intro a : prop.
    intro ha : a.
    intro h : [('c : prop) -> ['c -> 'c]].
}

theorem p_strong_hyp : [('a : prop) -> 'a -> [('c : prop) -> ['a -> 'c]] -> false] {
    intro a : prop.
    intro ha : a.
    intro h : [('c : prop) -> [a -> 'c]].
    show [a -> false] by h.
    show false by _1.
}

theorem shadow_goal_prop : [('b : prop) -> [('b : prop) -> ['b -> 'b]] -> ['b -> 'b]] {
    goal [('a : prop) -> [('c : prop) -> ['c -> 'c]] -> ['a -> 'a]] {
        intro a : prop.
        intro h : [('c : prop) -> ['c -> 'c]].
        intro x : a.
    }
}

theorem sh_and : [('p : prop) -> ('q : prop) -> (and 'p 'q) -> [('p : prop) -> ['p -> 'p]] -> 'p] {
    intro p : prop.
    intro q : prop.
    intro h : (and p q).
    intro g : [('r : prop) -> ['r -> 'r]].
    show p by and_el.
}
""",
}  # fmt: skip
