// Clearway compatibility shim. Apicurio Registry 3.0.9 expects these types from the
// io.apicurio:apicurio-registry-config-definitions artifact, which is not available from the
// package registry reachable here. Written from the types the app jar references (javap), not copied.
package io.apicurio.common.apps.config;

import java.util.List;

public interface DynamicConfigStorage {
    boolean isReady();
    List<DynamicConfigPropertyDto> getConfigProperties();
    DynamicConfigPropertyDto getConfigProperty(String propertyName);
    void setConfigProperty(DynamicConfigPropertyDto propertyDto);
    void deleteConfigProperty(String propertyName);
}
