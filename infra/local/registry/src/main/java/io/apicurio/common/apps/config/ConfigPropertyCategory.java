// Clearway compatibility shim. Apicurio Registry 3.0.9 expects these types from the
// io.apicurio:apicurio-registry-config-definitions artifact, which is not available from the
// package registry reachable here. Written from the types the app jar references (javap), not copied.
package io.apicurio.common.apps.config;

public enum ConfigPropertyCategory {
    CATEGORY_API, CATEGORY_AUTH, CATEGORY_CACHE, CATEGORY_CCOMPAT, CATEGORY_DOWNLOAD, CATEGORY_GITOPS,
    CATEGORY_HEALTH, CATEGORY_IMPORT, CATEGORY_LIMITS, CATEGORY_REDIRECTS, CATEGORY_REST, CATEGORY_SEMVER,
    CATEGORY_STORAGE, CATEGORY_SYSTEM, CATEGORY_UI, CATEGORY_HIDDEN
}
