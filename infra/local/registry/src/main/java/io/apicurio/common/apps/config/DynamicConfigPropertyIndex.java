// Clearway compatibility shim. Apicurio Registry 3.0.9 expects these types from the
// io.apicurio:apicurio-registry-config-definitions artifact, which is not available from the
// package registry reachable here. Written from the types the app jar references (javap), not copied.
package io.apicurio.common.apps.config;

import java.util.Set;

public interface DynamicConfigPropertyIndex {
    DynamicConfigPropertyDef getProperty(String name);
    boolean hasProperty(String name);
    Set<String> getPropertyNames();
    boolean isAccepted(String propertyName);
    Set<String> getAcceptedPropertyNames();
}
