// Clearway compatibility shim. Apicurio Registry 3.0.9 expects these types from the
// io.apicurio:apicurio-registry-config-definitions artifact, which is not available from the
// package registry reachable here. Written from the types the app jar references (javap), not copied.
package io.apicurio.common.apps.config;

import java.util.ArrayList;
import java.util.List;

/** The set of @Dynamic config properties known to the application. */
public class DynamicConfigPropertyList {
    private List<DynamicConfigPropertyDef> dynamicConfigProperties = new ArrayList<>();

    public DynamicConfigPropertyList() {
    }

    public DynamicConfigPropertyList(List<DynamicConfigPropertyDef> dynamicConfigProperties) {
        this.dynamicConfigProperties = dynamicConfigProperties;
    }

    public List<DynamicConfigPropertyDef> getDynamicConfigProperties() { return dynamicConfigProperties; }

    public void setDynamicConfigProperties(List<DynamicConfigPropertyDef> list) { this.dynamicConfigProperties = list; }
}
