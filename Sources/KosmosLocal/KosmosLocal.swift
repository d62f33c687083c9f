import KosmosAPI
