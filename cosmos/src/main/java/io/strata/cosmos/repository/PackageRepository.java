package io.strata.cosmos.repository;

/** A repository in Cosmos' list: a name and where it is ({@code https://...}, {@code file:/...}, {@code builtin:universe}). */
public record PackageRepository(String name, String uri) {
    /** The repository that ships with Strata: the packages Strata can run itself. */
    public static final String BUILTIN_URI = "builtin:universe";
    public static final PackageRepository BUILTIN = new PackageRepository("Universe", BUILTIN_URI);
}
