/* Classical propositional logic in natural deduction, from the rules of the
   propositional-logic theory.  Check with:
   telos check examples/propositional-logic.p --theory propositional-logic */

/* A ∧ B → B ∧ A: take the conjunction apart, then apply and_i with one goal per conjunct. */
theorem and_comm : [('A : prop) -> ('B : prop) -> (and 'A 'B) -> (and 'B 'A)] {
    intro A : prop.
    intro B : prop.
    intro h : (and A B).
    apply and_i.
    goal B {
        show B by and_er.
    }
    goal A {
        show A by and_el.
    }
}

/* A ∨ B → B ∨ A: case analysis with or_e, each case closed by an or-introduction. */
theorem or_comm : [('A : prop) -> ('B : prop) -> (or 'A 'B) -> (or 'B 'A)] {
    intro A : prop.
    intro B : prop.
    intro h : (or A B).
    apply or_e.
    goal [A -> (or B A)] {
        intro a : A.
        show (or B A) by or_ir.
    }
    goal [B -> (or B A)] {
        intro b : B.
        show (or B A) by or_il.
    }
}

/* A → ¬¬A: double negation introduction (not_i, then not_e on the two hypotheses). */
theorem double_neg_intro : [('A : prop) -> 'A -> (not (not 'A))] {
    intro A : prop.
    intro a : A.
    apply not_i.
    goal [(not A) -> false] {
        intro n : (not A).
        show false by not_e.
    }
}

/* (A → B) → ¬B → ¬A: contraposition (modus tollens under not_i). */
theorem contraposition : [('A : prop) -> ('B : prop) -> ['A -> 'B] -> (not 'B) -> (not 'A)] {
    intro A : prop.
    intro B : prop.
    intro f : [A -> B].
    intro nb : (not B).
    apply not_i.
    goal [A -> false] {
        intro a : A.
        show B by f.
        show false by not_e.
    }
}

/* A ↔ A: both directions are the identity implication, closed by intro alone. */
theorem iff_refl : [('A : prop) -> (iff 'A 'A)] {
    intro A : prop.
    apply iff_i.
    goal [A -> A] {
        intro a : A.
    }
    goal [A -> A] {
        intro a : A.
    }
}

/* (A ↔ B) → (B ↔ A): each implication of the swapped iff is one iff_er / iff_el step. */
theorem iff_symm : [('A : prop) -> ('B : prop) -> (iff 'A 'B) -> (iff 'B 'A)] {
    intro A : prop.
    intro B : prop.
    intro h : (iff A B).
    apply iff_i.
    goal [B -> A] {
        show [B -> A] by iff_er.
    }
    goal [A -> B] {
        show [A -> B] by iff_el.
    }
}

/* (A ∧ B) ∧ C → A ∧ (B ∧ C): associativity of conjunction, forward with and_el/and_er/and_i. */
theorem and_assoc : [('A : prop) -> ('B : prop) -> ('C : prop) -> (and (and 'A 'B) 'C) -> (and 'A (and 'B 'C))] {
    intro A : prop.
    intro B : prop.
    intro C : prop.
    intro h : (and (and A B) C).
    show (and A B) by and_el.
    show C by and_er.
    show A by and_el.
    show B by and_er.
    show (and B C) by and_i.
    show (and A (and B C)) by and_i.
}

/* ¬¬A → A: double negation elimination, by cases on excluded middle (em, or_e, exfalso). */
theorem double_neg_elim : [('A : prop) -> (not (not 'A)) -> 'A] {
    intro A : prop.
    intro nn : (not (not A)).
    show (or A (not A)) by em.
    apply or_e.
    goal [A -> A] {
        intro a : A.
    }
    goal [(not A) -> A] {
        intro n : (not A).
        show false by not_e.
        show A by exfalso.
    }
}

/* A ∨ B → ¬A → B: disjunctive syllogism, by cases (or_e), the A case absurd (not_e, exfalso). */
theorem disjunctive_syllogism : [('A : prop) -> ('B : prop) -> (or 'A 'B) -> (not 'A) -> 'B] {
    intro A : prop.
    intro B : prop.
    intro h : (or A B).
    intro na : (not A).
    apply or_e.
    goal [A -> B] {
        intro a : A.
        show false by not_e.
        show B by exfalso.
    }
    goal [B -> B] {
        intro b : B.
    }
}

/* ¬(A ∨ B) → ¬A ∧ ¬B: a De Morgan law; each conjunct by not_i, refuting the disjunction. */
theorem not_or : [('A : prop) -> ('B : prop) -> (not (or 'A 'B)) -> (and (not 'A) (not 'B))] {
    intro A : prop.
    intro B : prop.
    intro h : (not (or A B)).
    apply and_i.
    goal (not A) {
        apply not_i.
        goal [A -> false] {
            intro a : A.
            show (or A B) by or_il.
            show false by not_e.
        }
    }
    goal (not B) {
        apply not_i.
        goal [B -> false] {
            intro b : B.
            show (or A B) by or_ir.
            show false by not_e.
        }
    }
}

/* ¬A ∧ ¬B → ¬(A ∨ B): the converse De Morgan law, by not_i and cases on the disjunction. */
theorem and_not_or : [('A : prop) -> ('B : prop) -> (and (not 'A) (not 'B)) -> (not (or 'A 'B))] {
    intro A : prop.
    intro B : prop.
    intro h : (and (not A) (not B)).
    show (not A) by and_el.
    show (not B) by and_er.
    apply not_i.
    goal [(or A B) -> false] {
        intro o : (or A B).
        apply or_e.
        goal [A -> false] {
            intro a : A.
            show false by not_e.
        }
        goal [B -> false] {
            intro b : B.
            show false by not_e.
        }
    }
}
