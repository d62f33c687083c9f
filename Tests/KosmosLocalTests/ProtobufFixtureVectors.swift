// Test vectors from /work/shared/fixtures/kube-apiserver-1.32/protobuf: request bodies kubectl v1.32.4 sent and
// answers kube-apiserver v1.32.13 gave, with the JSON of the same object (for requests: the verbatim output of the
// same kubectl command with --dry-run=client -o json; 08 and 09 have no dry-run and carry the recorder's decode;
// for answers: the recorder's decode, checked there against a JSON GET of the same object, in field-number order;
// for 12: the verbatim JSON answer to the same GET, in Go's order).

struct ProtobufFixtureVector: Sendable {
    let name: String
    let hex: String
    let json: String
    /// Whether `json` was written by Go (kubectl or kube-apiserver), so its key order is Go's struct order.
    var goKeyOrder: Bool {
        name.hasSuffix("request") && !name.hasPrefix("08") && !name.hasPrefix("09") || name.hasPrefix("12")
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let hi = iterator.next(), let lo = iterator.next() {
            out.append(Self.nibble(hi) << 4 | Self.nibble(lo))
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        c <= UInt8(ascii: "9") ? c - UInt8(ascii: "0") : c - UInt8(ascii: "a") + 10
    }
}

let protobufFixtureVectors: [ProtobufFixtureVector] = [
        ProtobufFixtureVector(
            name: "01-create-namespace request",
            hex: [
            "6b3873000a0f0a02763112094e616d65737061636512200a180a0870627665632d6e7312001a0022002a0032003800420012",
            "001a020a001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Namespace",
    "apiVersion": "v1",
    "metadata": {
        "name": "pbvec-ns",
        "creationTimestamp": null
    },
    "spec": {},
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "01-create-namespace response",
            hex: [
            "6b3873000a0f0a02763112094e616d657370616365128d020af2010a0870627665632d6e7312001a0022002a243465326561",
            "6636392d646330632d343734382d393131332d666165343363663538326536320539343934383800420808f0bba1d8061000",
            "5a270a1b6b756265726e657465732e696f2f6d657461646174612e6e616d65120870627665632d6e738a017d0a0e6b756265",
            "63746c2d63726561746512065570646174651a027631220808f0bba1d806100032084669656c647356313a490a477b22663a",
            "6d65746164617461223a7b22663a6c6162656c73223a7b222e223a7b7d2c22663a6b756265726e657465732e696f2f6d6574",
            "61646174612e6e616d65223a7b7d7d7d7d4200120c0a0a6b756265726e657465731a080a064163746976651a002200"
            ].joined(),
            json: #"""
{
    "kind": "Namespace",
    "apiVersion": "v1",
    "metadata": {
        "name": "pbvec-ns",
        "uid": "4e2eaf69-dc0c-4748-9113-fae43cf582e6",
        "resourceVersion": "94948",
        "creationTimestamp": "2026-11-26T16:27:28Z",
        "labels": {
            "kubernetes.io/metadata.name": "pbvec-ns"
        },
        "managedFields": [
            {
                "manager": "kubectl-create",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "2026-11-26T16:27:28Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:metadata": {
                        "f:labels": {
                            ".": {},
                            "f:kubernetes.io/metadata.name": {}
                        }
                    }
                }
            }
        ]
    },
    "spec": {
        "finalizers": [
            "kubernetes"
        ]
    },
    "status": {
        "phase": "Active"
    }
}
"""#),
        ProtobufFixtureVector(
            name: "02-create-configmap request",
            hex: [
            "6b3873000a0f0a0276311209436f6e6669674d6170122c0a180a03636d3112001a05706276656322002a0032003800420012",
            "060a016112013112080a0162120374776f1a002200"
            ].joined(),
            json: #"""
{
    "kind": "ConfigMap",
    "apiVersion": "v1",
    "metadata": {
        "name": "cm1",
        "namespace": "pbvec",
        "creationTimestamp": null
    },
    "data": {
        "a": "1",
        "b": "two"
    }
}
"""#),
        ProtobufFixtureVector(
            name: "02-create-configmap response",
            hex: [
            "6b3873000a0f0a0276311209436f6e6669674d617012bc010aa7010a03636d3112001a05706276656322002a243733666533",
            "3331362d323236652d343466392d613035642d356539336333643838306363320539343935313800420808f1bba1d8061000",
            "8a015b0a0e6b75626563746c2d63726561746512065570646174651a027631220808f1bba1d806100032084669656c647356",
            "313a270a257b22663a64617461223a7b222e223a7b7d2c22663a61223a7b7d2c22663a62223a7b7d7d7d420012060a016112",
            "013112080a0162120374776f1a002200"
            ].joined(),
            json: #"""
{
    "kind": "ConfigMap",
    "apiVersion": "v1",
    "metadata": {
        "name": "cm1",
        "namespace": "pbvec",
        "uid": "73fe3316-226e-44f9-a05d-5e93c3d880cc",
        "resourceVersion": "94951",
        "creationTimestamp": "2026-11-26T16:27:29Z",
        "managedFields": [
            {
                "manager": "kubectl-create",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "2026-11-26T16:27:29Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:data": {
                        ".": {},
                        "f:a": {},
                        "f:b": {}
                    }
                }
            }
        ]
    },
    "data": {
        "a": "1",
        "b": "two"
    }
}
"""#),
        ProtobufFixtureVector(
            name: "03-create-secret-generic request",
            hex: [
            "6b3873000a0c0a027631120653656372657412230a170a02733112001a05706276656322002a0032003800420012060a016b",
            "1201761a001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Secret",
    "apiVersion": "v1",
    "metadata": {
        "name": "s1",
        "namespace": "pbvec",
        "creationTimestamp": null
    },
    "data": {
        "k": "dg=="
    }
}
"""#),
        ProtobufFixtureVector(
            name: "03-create-secret-generic response",
            hex: [
            "6b3873000a0c0a027631120653656372657412bc010aa9010a02733112001a05706276656322002a2464656263306438362d",
            "626161372d343166362d393863362d376463656336663635393363320539343935323800420808f1bba1d80610008a015e0a",
            "0e6b75626563746c2d63726561746512065570646174651a027631220808f1bba1d806100032084669656c647356313a2a0a",
            "287b22663a64617461223a7b222e223a7b7d2c22663a6b223a7b7d7d2c22663a74797065223a7b7d7d420012060a016b1201",
            "761a064f70617175651a002200"
            ].joined(),
            json: #"""
{
    "kind": "Secret",
    "apiVersion": "v1",
    "metadata": {
        "name": "s1",
        "namespace": "pbvec",
        "uid": "debc0d86-baa7-41f6-98c6-7dcec6f6593c",
        "resourceVersion": "94952",
        "creationTimestamp": "2026-11-26T16:27:29Z",
        "managedFields": [
            {
                "manager": "kubectl-create",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "2026-11-26T16:27:29Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:data": {
                        ".": {},
                        "f:k": {}
                    },
                    "f:type": {}
                }
            }
        ]
    },
    "data": {
        "k": "dg=="
    },
    "type": "Opaque"
}
"""#),
        ProtobufFixtureVector(
            name: "04-create-serviceaccount request",
            hex: [
            "6b3873000a140a027631120e536572766963654163636f756e74121a0a180a0373613112001a05706276656322002a003200",
            "380042001a002200"
            ].joined(),
            json: #"""
{
    "kind": "ServiceAccount",
    "apiVersion": "v1",
    "metadata": {
        "name": "sa1",
        "namespace": "pbvec",
        "creationTimestamp": null
    }
}
"""#),
        ProtobufFixtureVector(
            name: "04-create-serviceaccount response",
            hex: [
            "6b3873000a140a027631120e536572766963654163636f756e74124b0a490a0373613112001a05706276656322002a243264",
            "3335656234372d646135382d346434312d623766302d636139306537363531303431320539343935333800420808f1bba1d8",
            "0610001a002200"
            ].joined(),
            json: #"""
{
    "kind": "ServiceAccount",
    "apiVersion": "v1",
    "metadata": {
        "name": "sa1",
        "namespace": "pbvec",
        "uid": "2d35eb47-da58-4d41-b7f0-ca90e7651041",
        "resourceVersion": "94953",
        "creationTimestamp": "2026-11-26T16:27:29Z"
    }
}
"""#),
        ProtobufFixtureVector(
            name: "05-create-service-clusterip request",
            hex: [
            "6b3873000a0d0a02763112075365727669636512710a260a047376633112001a05706276656322002a003200380042005a0b",
            "0a0361707012047376633112430a1b0a0738302d38303830120354435018502207080010903f1a002800120b0a0361707012",
            "04737663311a002209436c757374657249503a00420052005a00600068001a020a001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {
        "name": "svc1",
        "namespace": "pbvec",
        "creationTimestamp": null,
        "labels": {
            "app": "svc1"
        }
    },
    "spec": {
        "ports": [
            {
                "name": "80-8080",
                "protocol": "TCP",
                "port": 80,
                "targetPort": 8080
            }
        ],
        "selector": {
            "app": "svc1"
        },
        "type": "ClusterIP"
    },
    "status": {
        "loadBalancer": {}
    }
}
"""#),
        ProtobufFixtureVector(
            name: "05-create-service-clusterip response",
            hex: [
            "6b3873000a0d0a02763112075365727669636512a0040a9a030a047376633112001a05706276656322002a24303938303933",
            "65302d643162312d343064652d626539372d393061653866383766376538320539343935353800420808f1bba1d80610005a",
            "0b0a036170701204737663318a01bf020a0e6b75626563746c2d63726561746512065570646174651a027631220808f1bba1",
            "d806100032084669656c647356313a8a020a87027b22663a6d65746164617461223a7b22663a6c6162656c73223a7b222e22",
            "3a7b7d2c22663a617070223a7b7d7d7d2c22663a73706563223a7b22663a696e7465726e616c54726166666963506f6c6963",
            "79223a7b7d2c22663a706f727473223a7b222e223a7b7d2c226b3a7b5c22706f72745c223a38302c5c2270726f746f636f6c",
            "5c223a5c225443505c227d223a7b222e223a7b7d2c22663a6e616d65223a7b7d2c22663a706f7274223a7b7d2c22663a7072",
            "6f746f636f6c223a7b7d2c22663a746172676574506f7274223a7b7d7d7d2c22663a73656c6563746f72223a7b7d2c22663a",
            "73657373696f6e416666696e697479223a7b7d2c22663a74797065223a7b7d7d7d4200127d0a1b0a0738302d383038301203",
            "54435018502207080010903f1a002800120b0a036170701204737663311a0a31302e302e302e3232322209436c7573746572",
            "49503a044e6f6e65420052005a00600068008a010b53696e676c65537461636b92010a31302e302e302e3232329a01044950",
            "7634b20107436c75737465721a020a001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {
        "name": "svc1",
        "namespace": "pbvec",
        "uid": "098093e0-d1b1-40de-be97-90ae8f87f7e8",
        "resourceVersion": "94955",
        "creationTimestamp": "2026-11-26T16:27:29Z",
        "labels": {
            "app": "svc1"
        },
        "managedFields": [
            {
                "manager": "kubectl-create",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "2026-11-26T16:27:29Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:metadata": {
                        "f:labels": {
                            ".": {},
                            "f:app": {}
                        }
                    },
                    "f:spec": {
                        "f:internalTrafficPolicy": {},
                        "f:ports": {
                            ".": {},
                            "k:{\"port\":80,\"protocol\":\"TCP\"}": {
                                ".": {},
                                "f:name": {},
                                "f:port": {},
                                "f:protocol": {},
                                "f:targetPort": {}
                            }
                        },
                        "f:selector": {},
                        "f:sessionAffinity": {},
                        "f:type": {}
                    }
                }
            }
        ]
    },
    "spec": {
        "ports": [
            {
                "name": "80-8080",
                "protocol": "TCP",
                "port": 80,
                "targetPort": 8080
            }
        ],
        "selector": {
            "app": "svc1"
        },
        "clusterIP": "10.0.0.222",
        "type": "ClusterIP",
        "sessionAffinity": "None",
        "ipFamilyPolicy": "SingleStack",
        "clusterIPs": [
            "10.0.0.222"
        ],
        "ipFamilies": [
            "IPv4"
        ],
        "internalTrafficPolicy": "Cluster"
    },
    "status": {
        "loadBalancer": {}
    }
}
"""#),
        ProtobufFixtureVector(
            name: "06-create-deployment request",
            hex: [
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c2010a240a0377656212001a05706276656322002a00",
            "3200380042005a0a0a036170701203776562128b010803120c0a0a0a0361707012037765621a710a1c0a0012001a0022002a",
            "003200380042005a0a0a036170701203776562125112330a056e67696e78120a6e67696e783a312e32372a00320a0a001000",
            "185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2",
            "010022020a00280038001a0c0800100018002000280038001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "web",
        "namespace": "pbvec",
        "creationTimestamp": null,
        "labels": {
            "app": "web"
        }
    },
    "spec": {
        "replicas": 3,
        "selector": {
            "matchLabels": {
                "app": "web"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "web"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx:1.27",
                        "ports": [
                            {
                                "containerPort": 80
                            }
                        ],
                        "resources": {}
                    }
                ]
            }
        },
        "strategy": {}
    },
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "06-create-deployment response",
            hex: [
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e741282090ae9060a0377656212001a05706276656322002a",
            "2430623664616230632d353330352d343237612d396164322d633864363563313933346437320539343935383801420808f1",
            "bba1d80610005a0a0a0361707012037765628a0190060a0e6b75626563746c2d63726561746512065570646174651a076170",
            "70732f7631220808f1bba1d806100032084669656c647356313ad6050ad3057b22663a6d65746164617461223a7b22663a6c",
            "6162656c73223a7b222e223a7b7d2c22663a617070223a7b7d7d7d2c22663a73706563223a7b22663a70726f677265737344",
            "6561646c696e655365636f6e6473223a7b7d2c22663a7265706c69636173223a7b7d2c22663a7265766973696f6e48697374",
            "6f72794c696d6974223a7b7d2c22663a73656c6563746f72223a7b7d2c22663a7374726174656779223a7b22663a726f6c6c",
            "696e67557064617465223a7b222e223a7b7d2c22663a6d61785375726765223a7b7d2c22663a6d6178556e617661696c6162",
            "6c65223a7b7d7d2c22663a74797065223a7b7d7d2c22663a74656d706c617465223a7b22663a6d65746164617461223a7b22",
            "663a6c6162656c73223a7b222e223a7b7d2c22663a617070223a7b7d7d7d2c22663a73706563223a7b22663a636f6e746169",
            "6e657273223a7b226b3a7b5c226e616d655c223a5c226e67696e785c227d223a7b222e223a7b7d2c22663a696d616765223a",
            "7b7d2c22663a696d61676550756c6c506f6c696379223a7b7d2c22663a6e616d65223a7b7d2c22663a706f727473223a7b22",
            "2e223a7b7d2c226b3a7b5c22636f6e7461696e6572506f72745c223a38302c5c2270726f746f636f6c5c223a5c225443505c",
            "227d223a7b222e223a7b7d2c22663a636f6e7461696e6572506f7274223a7b7d2c22663a70726f746f636f6c223a7b7d7d7d",
            "2c22663a7265736f7572636573223a7b7d2c22663a7465726d696e6174696f6e4d65737361676550617468223a7b7d2c2266",
            "3a7465726d696e6174696f6e4d657373616765506f6c696379223a7b7d7d7d2c22663a646e73506f6c696379223a7b7d2c22",
            "663a72657374617274506f6c696379223a7b7d2c22663a7363686564756c65724e616d65223a7b7d2c22663a736563757269",
            "7479436f6e74657874223a7b7d2c22663a7465726d696e6174696f6e4772616365506572696f645365636f6e6473223a7b7d",
            "7d7d7d7d42001285020803120c0a0a0a0361707012037765621ac0010a1c0a0012001a0022002a003200380042005a0a0a03",
            "6170701203776562129f01125a0a056e67696e78120a6e67696e783a312e32372a00320d0a001000185022035443502a0042",
            "006a142f6465762f7465726d696e6174696f6e2d6c6f67720c49664e6f7450726573656e74800100880100900100a2010446",
            "696c651a06416c77617973201e320c436c7573746572466972737442004a00520058006000680072008201008a01009a0111",
            "64656661756c742d7363686564756c6572c2010022270a0d526f6c6c696e6755706461746512160a09080110001a03323525",
            "1209080110001a033235252800300a380048d8041a0c0800100018002000280038001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "web",
        "namespace": "pbvec",
        "uid": "0b6dab0c-5305-427a-9ad2-c8d65c1934d7",
        "resourceVersion": "94958",
        "generation": 1,
        "creationTimestamp": "2026-11-26T16:27:29Z",
        "labels": {
            "app": "web"
        },
        "managedFields": [
            {
                "manager": "kubectl-create",
                "operation": "Update",
                "apiVersion": "apps/v1",
                "time": "2026-11-26T16:27:29Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:metadata": {
                        "f:labels": {
                            ".": {},
                            "f:app": {}
                        }
                    },
                    "f:spec": {
                        "f:progressDeadlineSeconds": {},
                        "f:replicas": {},
                        "f:revisionHistoryLimit": {},
                        "f:selector": {},
                        "f:strategy": {
                            "f:rollingUpdate": {
                                ".": {},
                                "f:maxSurge": {},
                                "f:maxUnavailable": {}
                            },
                            "f:type": {}
                        },
                        "f:template": {
                            "f:metadata": {
                                "f:labels": {
                                    ".": {},
                                    "f:app": {}
                                }
                            },
                            "f:spec": {
                                "f:containers": {
                                    "k:{\"name\":\"nginx\"}": {
                                        ".": {},
                                        "f:image": {},
                                        "f:imagePullPolicy": {},
                                        "f:name": {},
                                        "f:ports": {
                                            ".": {},
                                            "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {
                                                ".": {},
                                                "f:containerPort": {},
                                                "f:protocol": {}
                                            }
                                        },
                                        "f:resources": {},
                                        "f:terminationMessagePath": {},
                                        "f:terminationMessagePolicy": {}
                                    }
                                },
                                "f:dnsPolicy": {},
                                "f:restartPolicy": {},
                                "f:schedulerName": {},
                                "f:securityContext": {},
                                "f:terminationGracePeriodSeconds": {}
                            }
                        }
                    }
                }
            }
        ]
    },
    "spec": {
        "replicas": 3,
        "selector": {
            "matchLabels": {
                "app": "web"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "web"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx:1.27",
                        "ports": [
                            {
                                "containerPort": 80,
                                "protocol": "TCP"
                            }
                        ],
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "imagePullPolicy": "IfNotPresent",
                        "terminationMessagePolicy": "File"
                    }
                ],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "securityContext": {},
                "schedulerName": "default-scheduler"
            }
        },
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {
                "maxUnavailable": "25%",
                "maxSurge": "25%"
            }
        },
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600
    },
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "07-create-job request",
            hex: [
            "6b3873000a0f0a0862617463682f763112034a6f621289010a170a026a3112001a05706276656322002a0032003800420012",
            "6432620a100a0012001a0022002a00320038004200124e122b0a026a31120762757379626f781a046563686f1a0268692a00",
            "42006a007200800100880100900100a201001a054e65766572320042004a0052005800600068008201008a01009a0100c201",
            "001a082000280030003a001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Job",
    "apiVersion": "batch/v1",
    "metadata": {
        "name": "j1",
        "namespace": "pbvec",
        "creationTimestamp": null
    },
    "spec": {
        "template": {
            "metadata": {
                "creationTimestamp": null
            },
            "spec": {
                "containers": [
                    {
                        "name": "j1",
                        "image": "busybox",
                        "command": [
                            "echo",
                            "hi"
                        ],
                        "resources": {}
                    }
                ],
                "restartPolicy": "Never"
            }
        }
    },
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "07-create-job response",
            hex: [
            "6b3873000a0f0a0862617463682f763112034a6f6212950a0aae060a026a3112001a05706276656322002a24326362306437",
            "66632d383135632d346633372d626566382d306339613265316133343830320539343937323801420808f1bba1d80610005a",
            "4a0a2262617463682e6b756265726e657465732e696f2f636f6e74726f6c6c65722d756964122432636230643766632d3831",
            "35632d346633372d626566382d3063396132653161333438305a220a1c62617463682e6b756265726e657465732e696f2f6a",
            "6f622d6e616d6512026a315a360a0e636f6e74726f6c6c65722d756964122432636230643766632d383135632d346633372d",
            "626566382d3063396132653161333438305a0e0a086a6f622d6e616d6512026a318a01aa040a0e6b75626563746c2d637265",
            "61746512065570646174651a0862617463682f7631220808f1bba1d806100032084669656c647356313aef030aec037b2266",
            "3a73706563223a7b22663a6261636b6f66664c696d6974223a7b7d2c22663a636f6d706c6574696f6e4d6f6465223a7b7d2c",
            "22663a636f6d706c6574696f6e73223a7b7d2c22663a6d616e75616c53656c6563746f72223a7b7d2c22663a706172616c6c",
            "656c69736d223a7b7d2c22663a706f645265706c6163656d656e74506f6c696379223a7b7d2c22663a73757370656e64223a",
            "7b7d2c22663a74656d706c617465223a7b22663a73706563223a7b22663a636f6e7461696e657273223a7b226b3a7b5c226e",
            "616d655c223a5c226a315c227d223a7b222e223a7b7d2c22663a636f6d6d616e64223a7b7d2c22663a696d616765223a7b7d",
            "2c22663a696d61676550756c6c506f6c696379223a7b7d2c22663a6e616d65223a7b7d2c22663a7265736f7572636573223a",
            "7b7d2c22663a7465726d696e6174696f6e4d65737361676550617468223a7b7d2c22663a7465726d696e6174696f6e4d6573",
            "73616765506f6c696379223a7b7d7d7d2c22663a646e73506f6c696379223a7b7d2c22663a72657374617274506f6c696379",
            "223a7b7d2c22663a7363686564756c65724e616d65223a7b7d2c22663a7365637572697479436f6e74657874223a7b7d2c22",
            "663a7465726d696e6174696f6e4772616365506572696f645365636f6e6473223a7b7d7d7d7d7d420012d70308011001224c",
            "0a4a0a2262617463682e6b756265726e657465732e696f2f636f6e74726f6c6c65722d756964122432636230643766632d38",
            "3135632d346633372d626566382d306339613265316133343830280032db020ac8010a0012001a0022002a00320038004200",
            "5a4a0a2262617463682e6b756265726e657465732e696f2f636f6e74726f6c6c65722d756964122432636230643766632d38",
            "3135632d346633372d626566382d3063396132653161333438305a220a1c62617463682e6b756265726e657465732e696f2f",
            "6a6f622d6e616d6512026a315a360a0e636f6e74726f6c6c65722d756964122432636230643766632d383135632d34663337",
            "2d626566382d3063396132653161333438305a0e0a086a6f622d6e616d6512026a31128d0112490a026a3112076275737962",
            "6f781a046563686f1a0268692a0042006a142f6465762f7465726d696e6174696f6e2d6c6f677206416c7761797380010088",
            "0100900100a2010446696c651a054e65766572201e320c436c7573746572466972737442004a005200580060006800720082",
            "01008a01009a011164656661756c742d7363686564756c6572c2010038064a0a4e6f6e496e6465786564500072135465726d",
            "696e6174696e674f724661696c65641a082000280030003a001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Job",
    "apiVersion": "batch/v1",
    "metadata": {
        "name": "j1",
        "namespace": "pbvec",
        "uid": "2cb0d7fc-815c-4f37-bef8-0c9a2e1a3480",
        "resourceVersion": "94972",
        "generation": 1,
        "creationTimestamp": "2026-11-26T16:27:29Z",
        "labels": {
            "batch.kubernetes.io/controller-uid": "2cb0d7fc-815c-4f37-bef8-0c9a2e1a3480",
            "batch.kubernetes.io/job-name": "j1",
            "controller-uid": "2cb0d7fc-815c-4f37-bef8-0c9a2e1a3480",
            "job-name": "j1"
        },
        "managedFields": [
            {
                "manager": "kubectl-create",
                "operation": "Update",
                "apiVersion": "batch/v1",
                "time": "2026-11-26T16:27:29Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:spec": {
                        "f:backoffLimit": {},
                        "f:completionMode": {},
                        "f:completions": {},
                        "f:manualSelector": {},
                        "f:parallelism": {},
                        "f:podReplacementPolicy": {},
                        "f:suspend": {},
                        "f:template": {
                            "f:spec": {
                                "f:containers": {
                                    "k:{\"name\":\"j1\"}": {
                                        ".": {},
                                        "f:command": {},
                                        "f:image": {},
                                        "f:imagePullPolicy": {},
                                        "f:name": {},
                                        "f:resources": {},
                                        "f:terminationMessagePath": {},
                                        "f:terminationMessagePolicy": {}
                                    }
                                },
                                "f:dnsPolicy": {},
                                "f:restartPolicy": {},
                                "f:schedulerName": {},
                                "f:securityContext": {},
                                "f:terminationGracePeriodSeconds": {}
                            }
                        }
                    }
                }
            }
        ]
    },
    "spec": {
        "parallelism": 1,
        "completions": 1,
        "selector": {
            "matchLabels": {
                "batch.kubernetes.io/controller-uid": "2cb0d7fc-815c-4f37-bef8-0c9a2e1a3480"
            }
        },
        "manualSelector": false,
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "batch.kubernetes.io/controller-uid": "2cb0d7fc-815c-4f37-bef8-0c9a2e1a3480",
                    "batch.kubernetes.io/job-name": "j1",
                    "controller-uid": "2cb0d7fc-815c-4f37-bef8-0c9a2e1a3480",
                    "job-name": "j1"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "j1",
                        "image": "busybox",
                        "command": [
                            "echo",
                            "hi"
                        ],
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "imagePullPolicy": "Always",
                        "terminationMessagePolicy": "File"
                    }
                ],
                "restartPolicy": "Never",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "securityContext": {},
                "schedulerName": "default-scheduler"
            }
        },
        "backoffLimit": 6,
        "completionMode": "NonIndexed",
        "suspend": false,
        "podReplacementPolicy": "TerminatingOrFailed"
    },
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "08-auth-can-i request",
            hex: [
            "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373",
            "526576696577123b0a100a0012001a0022002a00320038004200121d0a1b0a05706276656312046c6973741a0022002a0470",
            "6f647332003a001a08080012001a0020001a002200"
            ].joined(),
            json: #"""
{
    "kind": "SelfSubjectAccessReview",
    "apiVersion": "authorization.k8s.io/v1",
    "metadata": {
        "creationTimestamp": null
    },
    "spec": {
        "resourceAttributes": {
            "namespace": "pbvec",
            "verb": "list",
            "resource": "pods"
        }
    },
    "status": {
        "allowed": false
    }
}
"""#),
        ProtobufFixtureVector(
            name: "08-auth-can-i response",
            hex: [
            "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373",
            "52657669657712dd010ab1010a0012001a0022002a003200380042008a019d010a076b75626563746c12065570646174651a",
            "17617574686f72697a6174696f6e2e6b38732e696f2f7631220808f1bba1d806100032084669656c647356313a5b0a597b22",
            "663a73706563223a7b22663a7265736f7572636541747472696275746573223a7b222e223a7b7d2c22663a6e616d65737061",
            "6365223a7b7d2c22663a7265736f75726365223a7b7d2c22663a76657262223a7b7d7d7d7d4200121d0a1b0a057062766563",
            "12046c6973741a0022002a04706f647332003a001a08080112001a0020001a002200"
            ].joined(),
            json: #"""
{
    "kind": "SelfSubjectAccessReview",
    "apiVersion": "authorization.k8s.io/v1",
    "metadata": {
        "creationTimestamp": null,
        "managedFields": [
            {
                "manager": "kubectl",
                "operation": "Update",
                "apiVersion": "authorization.k8s.io/v1",
                "time": "2026-11-26T16:27:29Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:spec": {
                        "f:resourceAttributes": {
                            ".": {},
                            "f:namespace": {},
                            "f:resource": {},
                            "f:verb": {}
                        }
                    }
                }
            }
        ]
    },
    "spec": {
        "resourceAttributes": {
            "namespace": "pbvec",
            "verb": "list",
            "resource": "pods"
        }
    },
    "status": {
        "allowed": true
    }
}
"""#),
        ProtobufFixtureVector(
            name: "09-create-token request",
            hex: [
            "6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e52657175657374121a0a10",
            "0a0012001a0022002a0032003800420012001a040a0012001a002200"
            ].joined(),
            json: #"""
{
    "kind": "TokenRequest",
    "apiVersion": "authentication.k8s.io/v1",
    "metadata": {
        "creationTimestamp": null
    },
    "spec": {
        "audiences": null
    },
    "status": {
        "token": "",
        "expirationTimestamp": null
    }
}
"""#),
        ProtobufFixtureVector(
            name: "10-create-quota request",
            hex: [
            "6b3873000a130a027631120d5265736f7572636551756f7461124c0a170a02713112001a05706276656322002a0032003800",
            "4200122f0a0e0a0363707512070a05313530306d0a0f0a066d656d6f727912050a033147690a0c0a04706f647312040a0231",
            "301a001a002200"
            ].joined(),
            json: #"""
{
    "kind": "ResourceQuota",
    "apiVersion": "v1",
    "metadata": {
        "name": "q1",
        "namespace": "pbvec",
        "creationTimestamp": null
    },
    "spec": {
        "hard": {
            "cpu": "1500m",
            "memory": "1Gi",
            "pods": "10"
        }
    },
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "10-create-quota response",
            hex: [
            "6b3873000a130a027631120d5265736f7572636551756f746112fa010ac4010a02713112001a05706276656322002a246561",
            "6464326235642d383834372d346337352d396431642d356264643030376433306466320539343937373800420808f5bba1d8",
            "0610008a01790a0e6b75626563746c2d63726561746512065570646174651a027631220808f5bba1d806100032084669656c",
            "647356313a450a437b22663a73706563223a7b22663a68617264223a7b222e223a7b7d2c22663a637075223a7b7d2c22663a",
            "6d656d6f7279223a7b7d2c22663a706f6473223a7b7d7d7d7d4200122f0a0e0a0363707512070a05313530306d0a0f0a066d",
            "656d6f727912050a033147690a0c0a04706f647312040a0231301a001a002200"
            ].joined(),
            json: #"""
{
    "kind": "ResourceQuota",
    "apiVersion": "v1",
    "metadata": {
        "name": "q1",
        "namespace": "pbvec",
        "uid": "eadd2b5d-8847-4c75-9d1d-5bdd007d30df",
        "resourceVersion": "94977",
        "creationTimestamp": "2026-11-26T16:27:33Z",
        "managedFields": [
            {
                "manager": "kubectl-create",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "2026-11-26T16:27:33Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:spec": {
                        "f:hard": {
                            ".": {},
                            "f:cpu": {},
                            "f:memory": {},
                            "f:pods": {}
                        }
                    }
                }
            }
        ]
    },
    "spec": {
        "hard": {
            "cpu": "1500m",
            "memory": "1Gi",
            "pods": "10"
        }
    },
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "11-create-deployment-replicas0 request",
            hex: [
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412ba010a260a047a65726f12001a05706276656322002a",
            "003200380042005a0b0a0361707012047a65726f1281010800120d0a0b0a0361707012047a65726f1a660a1d0a0012001a00",
            "22002a003200380042005a0b0a0361707012047a65726f124512270a056e67696e78120a6e67696e783a312e32372a004200",
            "6a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a002800",
            "38001a0c0800100018002000280038001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "zero",
        "namespace": "pbvec",
        "creationTimestamp": null,
        "labels": {
            "app": "zero"
        }
    },
    "spec": {
        "replicas": 0,
        "selector": {
            "matchLabels": {
                "app": "zero"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "zero"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx:1.27",
                        "resources": {}
                    }
                ]
            }
        },
        "strategy": {}
    },
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "11-create-deployment-replicas0 response",
            hex: [
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e741286080afa050a047a65726f12001a0570627665632200",
            "2a2436633339353361382d363536362d343466612d623264392d373431326637663365623465320539343938353801420808",
            "b8bca1d80610005a0b0a0361707012047a65726f8a019f050a0e6b75626563746c2d63726561746512065570646174651a07",
            "617070732f7631220808b8bca1d806100032084669656c647356313ae5040ae2047b22663a6d65746164617461223a7b2266",
            "3a6c6162656c73223a7b222e223a7b7d2c22663a617070223a7b7d7d7d2c22663a73706563223a7b22663a70726f67726573",
            "73446561646c696e655365636f6e6473223a7b7d2c22663a7265706c69636173223a7b7d2c22663a7265766973696f6e4869",
            "73746f72794c696d6974223a7b7d2c22663a73656c6563746f72223a7b7d2c22663a7374726174656779223a7b22663a726f",
            "6c6c696e67557064617465223a7b222e223a7b7d2c22663a6d61785375726765223a7b7d2c22663a6d6178556e617661696c",
            "61626c65223a7b7d7d2c22663a74797065223a7b7d7d2c22663a74656d706c617465223a7b22663a6d65746164617461223a",
            "7b22663a6c6162656c73223a7b222e223a7b7d2c22663a617070223a7b7d7d7d2c22663a73706563223a7b22663a636f6e74",
            "61696e657273223a7b226b3a7b5c226e616d655c223a5c226e67696e785c227d223a7b222e223a7b7d2c22663a696d616765",
            "223a7b7d2c22663a696d61676550756c6c506f6c696379223a7b7d2c22663a6e616d65223a7b7d2c22663a7265736f757263",
            "6573223a7b7d2c22663a7465726d696e6174696f6e4d65737361676550617468223a7b7d2c22663a7465726d696e6174696f",
            "6e4d657373616765506f6c696379223a7b7d7d7d2c22663a646e73506f6c696379223a7b7d2c22663a72657374617274506f",
            "6c696379223a7b7d2c22663a7363686564756c65724e616d65223a7b7d2c22663a7365637572697479436f6e74657874223a",
            "7b7d2c22663a7465726d696e6174696f6e4772616365506572696f645365636f6e6473223a7b7d7d7d7d7d420012f8010800",
            "120d0a0b0a0361707012047a65726f1ab2010a1d0a0012001a0022002a003200380042005a0b0a0361707012047a65726f12",
            "9001124b0a056e67696e78120a6e67696e783a312e32372a0042006a142f6465762f7465726d696e6174696f6e2d6c6f6772",
            "0c49664e6f7450726573656e74800100880100900100a2010446696c651a06416c77617973201e320c436c75737465724669",
            "72737442004a00520058006000680072008201008a01009a011164656661756c742d7363686564756c6572c2010022270a0d",
            "526f6c6c696e6755706461746512160a09080110001a033235251209080110001a033235252800300a380048d8041a0c0800",
            "100018002000280038001a002200"
            ].joined(),
            json: #"""
{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "zero",
        "namespace": "pbvec",
        "uid": "6c3953a8-6566-44fa-b2d9-7412f7f3eb4e",
        "resourceVersion": "94985",
        "generation": 1,
        "creationTimestamp": "2026-11-26T16:28:40Z",
        "labels": {
            "app": "zero"
        },
        "managedFields": [
            {
                "manager": "kubectl-create",
                "operation": "Update",
                "apiVersion": "apps/v1",
                "time": "2026-11-26T16:28:40Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:metadata": {
                        "f:labels": {
                            ".": {},
                            "f:app": {}
                        }
                    },
                    "f:spec": {
                        "f:progressDeadlineSeconds": {},
                        "f:replicas": {},
                        "f:revisionHistoryLimit": {},
                        "f:selector": {},
                        "f:strategy": {
                            "f:rollingUpdate": {
                                ".": {},
                                "f:maxSurge": {},
                                "f:maxUnavailable": {}
                            },
                            "f:type": {}
                        },
                        "f:template": {
                            "f:metadata": {
                                "f:labels": {
                                    ".": {},
                                    "f:app": {}
                                }
                            },
                            "f:spec": {
                                "f:containers": {
                                    "k:{\"name\":\"nginx\"}": {
                                        ".": {},
                                        "f:image": {},
                                        "f:imagePullPolicy": {},
                                        "f:name": {},
                                        "f:resources": {},
                                        "f:terminationMessagePath": {},
                                        "f:terminationMessagePolicy": {}
                                    }
                                },
                                "f:dnsPolicy": {},
                                "f:restartPolicy": {},
                                "f:schedulerName": {},
                                "f:securityContext": {},
                                "f:terminationGracePeriodSeconds": {}
                            }
                        }
                    }
                }
            }
        ]
    },
    "spec": {
        "replicas": 0,
        "selector": {
            "matchLabels": {
                "app": "zero"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "zero"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx:1.27",
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "imagePullPolicy": "IfNotPresent",
                        "terminationMessagePolicy": "File"
                    }
                ],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "securityContext": {},
                "schedulerName": "default-scheduler"
            }
        },
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {
                "maxUnavailable": "25%",
                "maxSurge": "25%"
            }
        },
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600
    },
    "status": {}
}
"""#),
        ProtobufFixtureVector(
            name: "12-get-configmap-protobuf response",
            hex: [
            "6b3873000a0f0a0276311209436f6e6669674d617012bc010aa7010a03636d3112001a05706276656322002a243733666533",
            "3331362d323236652d343466392d613035642d356539336333643838306363320539343935313800420808f1bba1d8061000",
            "8a015b0a0e6b75626563746c2d63726561746512065570646174651a027631220808f1bba1d806100032084669656c647356",
            "313a270a257b22663a64617461223a7b222e223a7b7d2c22663a61223a7b7d2c22663a62223a7b7d7d7d420012060a016112",
            "013112080a0162120374776f1a002200"
            ].joined(),
            json: #"""
{
  "kind": "ConfigMap",
  "apiVersion": "v1",
  "metadata": {
    "name": "cm1",
    "namespace": "pbvec",
    "uid": "73fe3316-226e-44f9-a05d-5e93c3d880cc",
    "resourceVersion": "94951",
    "creationTimestamp": "2026-11-26T16:27:29Z",
    "managedFields": [
      {
        "manager": "kubectl-create",
        "operation": "Update",
        "apiVersion": "v1",
        "time": "2026-11-26T16:27:29Z",
        "fieldsType": "FieldsV1",
        "fieldsV1": {
          "f:data": {
            ".": {},
            "f:a": {},
            "f:b": {}
          }
        }
      }
    ]
  },
  "data": {
    "a": "1",
    "b": "two"
  }
}
"""#),
]
