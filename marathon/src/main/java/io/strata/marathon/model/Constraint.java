package io.strata.marathon.model;

import java.util.ArrayList;
import java.util.List;

/** A placement constraint as Marathon's apps write it: {@code [field, OPERATOR(, value)]}. */
public record Constraint(String field, String operator, String value) {
    public List<String> toList() {
        List<String> l = new ArrayList<>();
        l.add(field);
        l.add(operator);
        if (value != null) l.add(value);
        return l;
    }
}
