print("kosmosctl")
