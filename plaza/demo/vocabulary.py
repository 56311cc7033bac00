"""Word lists the demo town is generated from: shop names, product names, options, prices.

Each product title is ``"<adjective> <item>"``; the item decides its category, so
"Farmhouse Comté" lands in cheese and "Trail Running Shoes" in footwear.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Option:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class KindVocabulary:
    category_root: str
    # item name -> category below the root
    items: dict[str, str]
    adjectives: tuple[str, ...]
    # In order of relevance: a product with one option uses the first.
    options: tuple[Option, Option, Option]
    price_range: tuple[Decimal, Decimal]
    tax_rate_percent: Decimal
    shop_name_patterns: tuple[str, ...]
    tags: tuple[str, ...]
    pitches: tuple[str, ...]
    # Bakeries open early and on Sunday mornings; the rest keep shop hours.
    hours_patterns: tuple[str, ...] = ("lunch_break", "continuous", "monday_afternoon", "late")


KINDS: dict[str, KindVocabulary] = {
    "food": KindVocabulary(
        category_root="Food, Beverages & Tobacco",
        items={
            "Country Loaf": "Bakery", "Baguette": "Bakery", "Brioche": "Bakery", "Praline Tart": "Bakery",
            "Comté": "Cheese", "Saint-Marcellin": "Cheese", "Goat Cheese": "Cheese", "Blue Cheese": "Cheese",
            "Saucisson": "Charcuterie", "Rosette": "Charcuterie", "Terrine": "Charcuterie",
            "Olive Oil": "Condiments", "Mustard": "Condiments", "Honey": "Condiments", "Apricot Jam": "Condiments",
            "Chocolate Bar": "Chocolate & Sweets", "Pralines": "Chocolate & Sweets", "Nougat": "Chocolate & Sweets",
            "Coffee Beans": "Coffee & Tea", "Espresso Blend": "Coffee & Tea", "Green Tea": "Coffee & Tea",
            "Herbal Infusion": "Coffee & Tea", "Apple Juice": "Drinks", "Lemonade": "Drinks",
        },
        adjectives=(
            "Organic", "Artisan", "Farmhouse", "Traditional", "Seasonal", "Heritage", "Village", "Small-Batch",
            "Classic", "House", "Local", "Premium", "Family Recipe", "Market", "Country", "Alpine", "Signature",
            "Rustic", "Old-Fashioned", "Hand-Made", "Sunday", "Morning", "Golden", "Wild",
        ),
        options=(
            Option("Weight", ("250 g", "500 g", "1 kg")),
            Option("Pack", ("Single", "Pack of 3")),
            Option("Gift wrap", ("No", "Yes")),
        ),
        price_range=(Decimal("2"), Decimal("30")),
        tax_rate_percent=Decimal("5.50"),
        shop_name_patterns=(
            "Épicerie {surname}", "Épicerie Fine {district}", "Maison {surname}", "Le Comptoir {district}",
            "Au Panier {district}", "Les Saveurs de {surname}",
        ),
        tags=("local", "organic", "vegan", "gluten-free", "fresh", "seasonal"),
        pitches=(
            "made in small batches every morning",
            "from farms less than an hour away",
            "a recipe the family has kept for three generations",
            "best enjoyed within the week",
        ),
        hours_patterns=("bakery", "late", "lunch_break", "evening"),
    ),
    "books": KindVocabulary(
        category_root="Media > Books",
        items={
            "Garden": "Fiction", "River": "Fiction", "Island": "Fiction", "Harbour": "Crime & Thrillers",
            "Detective": "Crime & Thrillers", "Alibi": "Crime & Thrillers", "Orchard": "Poetry",
            "Letters": "Biography", "Kitchen": "Cookbooks", "Recipes": "Cookbooks", "Atlas": "Travel",
            "Journey": "Travel", "Mountains": "Travel", "Streets": "History", "Empire": "History",
            "Stars": "Science", "Machine": "Science Fiction", "Lantern": "Children's Books",
            "Dragon": "Children's Books", "Forest": "Children's Books", "Circus": "Comics",
            "Notebook": "Stationery", "Diary": "Stationery",
        },
        adjectives=(
            "The Quiet", "The Last", "Midnight", "Summer", "Hidden", "Little", "Lost", "Silver", "Northern",
            "Secret", "Autumn", "Wandering", "Distant", "Painted", "Winter", "Golden", "Forgotten", "Blue",
            "Wild", "Open", "Burning", "Paper", "Glass", "Sleeping",
        ),
        options=(
            Option("Format", ("Paperback", "Hardcover", "Pocket")),
            Option("Language", ("French", "English")),
            Option("Edition", ("Standard", "Signed")),
        ),
        price_range=(Decimal("5"), Decimal("45")),
        tax_rate_percent=Decimal("5.50"),
        shop_name_patterns=(
            "Librairie {surname}", "Pages {district}", "Bouquinerie {surname}", "La Plume {district}",
            "Le Livre de {surname}",
        ),
        tags=("bestseller", "staff pick", "new release", "signed copy", "award winner"),
        pitches=(
            "a staff favourite this season",
            "chosen by our reading club",
            "the book everyone in town is talking about",
            "beautifully printed on recycled paper",
        ),
    ),
    "hardware": KindVocabulary(
        category_root="Hardware",
        items={
            "Claw Hammer": "Hand Tools", "Screwdriver Set": "Hand Tools", "Pliers": "Hand Tools",
            "Spirit Level": "Hand Tools", "Tape Measure": "Hand Tools", "Hand Saw": "Hand Tools",
            "Cordless Drill": "Power Tools", "Drill Bits": "Power Tools", "Wood Screws": "Fasteners",
            "Wall Plugs": "Fasteners", "Padlock": "Locks & Keys", "Door Hinge": "Locks & Keys",
            "Paint Brush": "Painting", "Paint Roller": "Painting", "Wall Paint": "Painting",
            "Wood Glue": "Adhesives", "Sandpaper": "Abrasives", "Extension Cord": "Electrical",
            "LED Bulb": "Electrical", "Work Gloves": "Safety", "Toolbox": "Storage", "Step Ladder": "Ladders",
            "Garden Hose": "Garden Tools", "Pruning Shears": "Garden Tools",
        },
        adjectives=(
            "Heavy-Duty", "Pro", "Compact", "Classic", "Steel", "Ergonomic", "Workshop", "Everyday", "Precision",
            "Contractor", "Master", "Basic", "Premium", "Folding", "Universal", "Reinforced", "Trade", "Home",
            "Rugged", "Essential", "Long-Life", "Weekend", "Builder's", "Garage",
        ),
        options=(
            Option("Size", ("Small", "Medium", "Large")),
            Option("Finish", ("Steel", "Black", "Brass")),
            Option("Pack", ("Single", "Pack of 10")),
        ),
        price_range=(Decimal("2"), Decimal("150")),
        tax_rate_percent=Decimal("20.00"),
        shop_name_patterns=(
            "Quincaillerie {surname}", "Brico {district}", "L'Atelier {surname}", "Outils {surname}",
            "Droguerie {district}",
        ),
        tags=("DIY", "professional", "bestseller", "eco-friendly", "repair"),
        pitches=(
            "built to last and easy to repair",
            "what the trade buys, at a fair price",
            "ask us how to use it: we love a project",
            "spare parts kept in stock",
        ),
    ),
    "fashion": KindVocabulary(
        category_root="Apparel & Accessories",
        items={
            "T-Shirt": "Clothing", "Linen Shirt": "Clothing", "Sweater": "Clothing", "Cardigan": "Clothing",
            "Hoodie": "Clothing", "Chinos": "Clothing", "Jeans": "Clothing", "Summer Dress": "Clothing",
            "Skirt": "Clothing", "Pyjamas": "Clothing", "Denim Jacket": "Outerwear", "Raincoat": "Outerwear",
            "Blazer": "Outerwear", "Scarf": "Accessories", "Beanie": "Accessories", "Cap": "Accessories",
            "Belt": "Accessories", "Gloves": "Accessories", "Socks": "Accessories", "Tote Bag": "Bags",
            "Backpack": "Bags", "Sneakers": "Shoes", "Leather Boots": "Shoes",
        },
        adjectives=(
            "Classic", "Relaxed", "Slim", "Vintage", "Everyday", "Organic Cotton", "Merino", "Weekend", "Urban",
            "Essential", "Oversized", "Striped", "Heritage", "Soft", "Tailored", "Breton", "Canvas", "Recycled",
            "Cosy", "Signature", "Riviera", "Workwear", "Cropped", "Washed",
        ),
        options=(
            Option("Size", ("XS", "S", "M", "L", "XL")),
            Option("Colour", ("Navy", "Black", "Ecru", "Forest Green", "Burgundy")),
            Option("Fit", ("Regular", "Slim")),
        ),
        price_range=(Decimal("12"), Decimal("180")),
        tax_rate_percent=Decimal("20.00"),
        shop_name_patterns=(
            "Atelier {surname}", "Boutique {district}", "Les Fils {surname}", "Friperie {district}",
            "Maison {surname} & Fils",
        ),
        tags=("new season", "made in France", "organic cotton", "unisex", "sale"),
        pitches=(
            "cut and sewn in a workshop a few streets away",
            "in fabrics that soften with every wash",
            "a wardrobe staple you will keep for years",
            "try it on in the shop, or return it within 30 days",
        ),
    ),
    "gifts": KindVocabulary(
        category_root="Arts & Entertainment > Gifts",
        items={
            "Scented Candle": "Candles", "Greeting Card": "Cards & Paper", "Postcard Set": "Cards & Paper",
            "Wrapping Paper": "Cards & Paper", "Bookmark": "Cards & Paper", "Photo Frame": "Decor",
            "Snow Globe": "Decor", "Poster": "Decor", "Music Box": "Decor", "Keyring": "Small Gifts",
            "Enamel Pin": "Small Gifts", "Pocket Mirror": "Small Gifts", "Mug": "Tableware",
            "Coasters": "Tableware", "Tea Towel": "Tableware", "Jigsaw": "Games", "Gift Box": "Gift Sets",
            "Soap Bar": "Gift Sets",
        },
        adjectives=(
            "Hand-Painted", "Lucky", "Vintage", "Floral", "Charming", "Whimsical", "Personalised", "Retro",
            "Botanical", "Starry", "Handmade", "Pastel", "Cheerful", "Pocket", "Mini", "Illustrated", "Keepsake",
            "Sunny", "Woodland", "Festive", "Bonjour", "Birthday", "Lovely", "Bright",
        ),
        options=(
            Option("Colour", ("Red", "Blue", "Green", "Yellow")),
            Option("Size", ("Small", "Large")),
            Option("Gift wrap", ("No", "Yes")),
        ),
        price_range=(Decimal("3"), Decimal("60")),
        tax_rate_percent=Decimal("20.00"),
        shop_name_patterns=(
            "Le Petit Cadeau {district}", "Bazar {surname}", "Idées {surname}", "Cadeaux {district}",
            "La Boîte de {surname}",
        ),
        tags=("gift idea", "handmade", "under 20", "birthday", "local artist"),
        pitches=(
            "gift-wrapped for free at the counter",
            "made by an artist from the neighbourhood",
            "small, light and easy to post",
            "a little something that always makes people smile",
        ),
    ),
    "home": KindVocabulary(
        category_root="Home & Garden",
        items={
            "Ceramic Vase": "Decor", "Cushion Cover": "Decor", "Throw Blanket": "Decor", "Mirror": "Decor",
            "Wall Clock": "Decor", "Table Lamp": "Lighting", "Linen Tablecloth": "Table Linen",
            "Serving Bowl": "Tableware", "Dinner Plate": "Tableware", "Wine Glasses": "Tableware",
            "Tea Pot": "Tableware", "Cutting Board": "Kitchen", "Chef's Knife": "Kitchen",
            "Cast-Iron Pan": "Kitchen", "Bath Towel": "Bath", "Duvet Cover": "Bedding", "Doormat": "Decor",
            "Storage Basket": "Storage", "Plant Pot": "Garden", "Watering Can": "Garden",
            "Herb Planter": "Garden",
        },
        adjectives=(
            "Stoneware", "Scandinavian", "Rustic", "Minimal", "Handwoven", "Oak", "Terracotta", "Linen",
            "Rattan", "Marble", "Glazed", "Provençal", "Country", "Modern", "Bamboo", "Speckled", "Enamel",
            "Brass", "Cotton", "Artisan", "Walnut", "Sage", "Atelier", "Bistro",
        ),
        options=(
            Option("Colour", ("White", "Sand", "Sage", "Charcoal")),
            Option("Size", ("Small", "Medium", "Large")),
            Option("Set", ("Single", "Set of 4")),
        ),
        price_range=(Decimal("6"), Decimal("250")),
        tax_rate_percent=Decimal("20.00"),
        shop_name_patterns=(
            "Maison & Jardin {surname}", "Intérieur {district}", "La Maison {district}", "Les Objets de {surname}",
            "Déco {surname}",
        ),
        tags=("handmade", "eco-friendly", "made in France", "dishwasher safe", "new season"),
        pitches=(
            "thrown and glazed by hand, so no two are alike",
            "in natural materials that age beautifully",
            "designed for small town flats",
            "we deliver the bulky ones on Saturdays",
        ),
    ),
    "sports": KindVocabulary(
        category_root="Sporting Goods",
        items={
            "Running Shoes": "Running", "Sports Socks": "Running", "Rain Jacket": "Outdoor Clothing",
            "Yoga Mat": "Fitness", "Resistance Band": "Fitness", "Dumbbell": "Fitness", "Jump Rope": "Fitness",
            "Water Bottle": "Accessories", "Headlamp": "Accessories", "Cycling Helmet": "Cycling",
            "Bike Light": "Cycling", "Tennis Racket": "Racket Sports", "Football": "Team Sports",
            "Basketball": "Team Sports", "Swim Goggles": "Swimming", "Hiking Backpack": "Hiking",
            "Trekking Poles": "Hiking", "Climbing Chalk": "Climbing", "Sleeping Bag": "Camping",
            "Tent": "Camping", "Camping Stove": "Camping", "Ski Gloves": "Winter Sports",
        },
        adjectives=(
            "Trail", "Pro", "Lightweight", "All-Weather", "Training", "Alpine", "Race", "Endurance", "Summit",
            "Urban", "Compact", "Performance", "Classic", "Explorer", "Ultra", "Club", "Junior", "Outdoor",
            "Active", "Eco", "Weekend", "Tempo", "Ridge", "Sprint",
        ),
        options=(
            Option("Size", ("S", "M", "L", "XL")),
            Option("Colour", ("Black", "Orange", "Blue", "Grey")),
            Option("Edition", ("Standard", "Pro")),
        ),
        price_range=(Decimal("5"), Decimal("220")),
        tax_rate_percent=Decimal("20.00"),
        shop_name_patterns=(
            "Sport {district}", "Sports {surname}", "Plein Air {district}", "Montagne & Vélo {surname}",
            "Le Vestiaire {district}",
        ),
        tags=("outdoor", "beginner friendly", "waterproof", "bestseller", "eco-friendly"),
        pitches=(
            "tested by our Sunday running club",
            "light enough for long days outside",
            "come and try it on our test track",
            "repairable, with spare parts in stock",
        ),
    ),
    "health": KindVocabulary(
        category_root="Health & Beauty",
        items={
            "Hand Cream": "Skin Care", "Face Serum": "Skin Care", "Body Lotion": "Skin Care",
            "Lip Balm": "Skin Care", "Sunscreen": "Skin Care", "Face Mask": "Skin Care", "Shampoo": "Hair Care",
            "Conditioner": "Hair Care", "Hair Brush": "Hair Care", "Beard Oil": "Hair Care",
            "Soap Bar": "Bath & Body", "Shower Gel": "Bath & Body", "Bath Salts": "Bath & Body",
            "Deodorant": "Bath & Body", "Toothpaste": "Oral Care", "Essential Oil": "Aromatherapy",
            "Massage Oil": "Aromatherapy", "Perfume": "Fragrance", "Nail Polish": "Make-up",
            "Vitamin C": "Supplements",
        },
        adjectives=(
            "Gentle", "Soothing", "Lavender", "Rose", "Organic", "Natural", "Citrus", "Almond", "Aloe", "Shea",
            "Calendula", "Sensitive", "Daily", "Nourishing", "Fresh", "Marseille", "Honey", "Mint", "Verbena",
            "Olive", "Cedar", "Oat", "Fig", "Chamomile",
        ),
        options=(
            Option("Size", ("50 ml", "100 ml", "250 ml")),
            Option("Scent", ("Unscented", "Lavender", "Citrus")),
            Option("Pack", ("Single", "Refill")),
        ),
        price_range=(Decimal("3"), Decimal("70")),
        tax_rate_percent=Decimal("20.00"),
        shop_name_patterns=(
            "Pharmacie {district}", "Herboristerie {surname}", "Beauté {district}", "L'Apothicaire {surname}",
            "Bien-Être {surname}",
        ),
        tags=("vegan", "organic", "fragrance-free", "refillable", "sensitive skin"),
        pitches=(
            "cold-process made with plant oils",
            "gentle enough for the whole family",
            "bring the bottle back and we refill it",
            "recommended by our pharmacist",
        ),
    ),
    "toys": KindVocabulary(
        category_root="Toys & Games",
        items={
            "Wooden Puzzle": "Puzzles", "Jigsaw": "Puzzles", "Building Blocks": "Construction",
            "Marble Run": "Construction", "Teddy Bear": "Soft Toys", "Puppet": "Soft Toys",
            "Board Game": "Games", "Card Game": "Games", "Memory Game": "Games", "Kite": "Outdoor Play",
            "Balance Bike": "Outdoor Play", "Toy Car": "Vehicles", "Train Set": "Vehicles", "Doll": "Dolls",
            "Play Kitchen": "Pretend Play", "Rocking Horse": "Baby & Toddler", "Xylophone": "Baby & Toddler",
            "Bath Toy": "Baby & Toddler", "Spinning Top": "Classic Toys", "Yo-Yo": "Classic Toys",
            "Dinosaur Figure": "Figures", "Craft Kit": "Arts & Crafts", "Colouring Book": "Arts & Crafts",
        },
        adjectives=(
            "Wooden", "Magic", "Jungle", "Rainbow", "Space", "Explorer", "Classic", "Pirate", "Fairy", "Ocean",
            "Happy", "Tiny", "Giant", "Musical", "Cosmic", "Farmyard", "Dino", "Rocket", "Forest", "Super",
            "Little", "Wobbly", "Polar", "Safari",
        ),
        options=(
            Option("Age", ("3+", "6+", "8+")),
            Option("Colour", ("Red", "Blue", "Natural")),
            Option("Size", ("Small", "Large")),
        ),
        price_range=(Decimal("4"), Decimal("90")),
        tax_rate_percent=Decimal("20.00"),
        shop_name_patterns=(
            "Jouets {surname}", "La Ludothèque {district}", "Le Coffre à Jouets {district}", "Jeux {surname}",
            "Le Petit Monde de {surname}",
        ),
        tags=("wooden", "educational", "gift idea", "plastic-free", "family game"),
        pitches=(
            "safety-tested and built for little hands",
            "plastic-free, in FSC wood and water-based paint",
            "come and play with it in the shop first",
            "a favourite at our Saturday game afternoons",
        ),
    ),
}

# Districts name both shops ("Épicerie du Marché") and their locations ("Marché").
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("Centre", "du Centre"), ("Les Halles", "des Halles"), ("Gare", "de la Gare"), ("Marché", "du Marché"),
    ("Vieille Ville", "de la Vieille Ville"), ("Les Quais", "des Quais"), ("La Colline", "de la Colline"),
    ("Le Parc", "du Parc"), ("Les Arts", "des Arts"), ("Le Pont", "du Pont"), ("Grand Place", "de la Grand Place"),
    ("Le Canal", "du Canal"), ("Saint-Paul", "de Saint-Paul"), ("Les Tilleuls", "des Tilleuls"),
    ("Bellevue", "de Bellevue"), ("Les Platanes", "des Platanes"),
)

STREETS: tuple[str, ...] = (
    "Rue de la République", "Rue Victor Hugo", "Rue Mercière", "Rue Saint-Jean", "Rue du Bœuf", "Rue de Brest",
    "Rue Édouard Herriot", "Cours Franklin Roosevelt", "Rue Paul Bert", "Rue Garibaldi", "Rue de Marseille",
    "Montée de la Grande Côte", "Rue d'Austerlitz", "Grande Rue de la Croix-Rousse", "Rue Vendôme", "Rue Sala",
    "Rue Auguste Comte", "Quai Saint-Antoine", "Rue des Capucins", "Rue Chevreul", "Avenue Jean Jaurès",
    "Rue de la Charité", "Place Sathonay", "Rue Burdeau", "Rue Juliette Récamier", "Rue Masséna",
)

SURNAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
)

FIRST_NAMES: tuple[str, ...] = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Alice", "Zoé", "Lina", "Rose",
    "Anna", "Mila", "Sarah", "Nina", "Juliette", "Clara", "Lucie", "Maëlys", "Lucas", "Hugo", "Louis", "Jules",
    "Gabriel", "Arthur", "Adam", "Raphaël", "Léo", "Nathan", "Ethan", "Paul", "Tom", "Noah", "Sacha", "Théo",
    "Mohamed", "Yanis", "Samuel", "Antoine",
)

SHOP_TAGLINES: tuple[str, ...] = (
    "Independent and family-run since {year}.",
    "A neighbourhood favourite since {year}.",
    "Opened in {year} by two friends who love what they sell.",
    "Run by the same family since {year}.",
)

# Tile colours: deep enough for white initials to stay readable (WCAG AA at that size).
PALETTE: tuple[str, ...] = (
    "#b5452b", "#8a5a00", "#2f6b3a", "#1f6f78", "#2d5a9b", "#5b4a9e", "#8c3f7a", "#a33b55",
    "#4d5d2a", "#6b4f3a", "#37606b", "#7a4b1f",
)
