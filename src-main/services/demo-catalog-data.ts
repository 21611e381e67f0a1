/**
 * The demo catalog of a Chinese convenience store, as families of one brand's items.
 * Prices are tax-inclusive fen as they would be on the shelf (2024–2025 levels); no tobacco.
 * Names are brand + item (`${brand}${item}`); barcodes, SKUs, PLUs and stock are made from the
 * position in this file by demo-catalog.ts, so the catalog is the same on every terminal.
 *
 * Tax (China VAT): 13% for most goods; 9% for agricultural products, staple grain, edible oil and salt,
 * and for plain sterilised/pasteurised milk (灭菌乳/巴氏杀菌乳); yoghurt and flavoured milk stay at 13%.
 */

export type DemoCategoryKey = 'drinks' | 'alcohol' | 'snacks' | 'instant' | 'dairy' | 'grocery' | 'frozen' | 'fresh' | 'household' | 'care' | 'weighed';

export interface DemoCategory {
  readonly key: DemoCategoryKey;
  readonly name: string;
  readonly nameEn: string;
  /** SKU prefix. */
  readonly code: string;
}

export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  { key: 'drinks', name: '饮料', nameEn: 'Drinks', code: 'DR' },
  { key: 'alcohol', name: '酒水', nameEn: 'Beer & spirits', code: 'AL' },
  { key: 'snacks', name: '零食', nameEn: 'Snacks', code: 'SN' },
  { key: 'instant', name: '方便食品', nameEn: 'Instant food', code: 'IN' },
  { key: 'dairy', name: '乳品', nameEn: 'Dairy', code: 'DA' },
  { key: 'grocery', name: '粮油调味', nameEn: 'Grocery', code: 'GR' },
  { key: 'frozen', name: '冷冻食品', nameEn: 'Frozen', code: 'FZ' },
  { key: 'fresh', name: '鲜食', nameEn: 'Fresh food', code: 'FF' },
  { key: 'household', name: '日用百货', nameEn: 'Household', code: 'HH' },
  { key: 'care', name: '个人护理', nameEn: 'Personal care', code: 'PC' },
  { key: 'weighed', name: '散装称重', nameEn: 'Loose, by weight', code: 'WT' },
];

/** [item name, English item name (null: none), price in fen, tax basis points when not the family's]. */
export type DemoItem = readonly [name: string, nameEn: string | null, price: number, taxRateBp?: number];

export interface DemoFamily {
  readonly category: DemoCategoryKey;
  readonly brand: string;
  readonly brandEn: string | null;
  readonly taxRateBp: number;
  /** 'kg': sold by weight on a label scale (gets a PLU, no barcode, price per kg). */
  readonly unit?: 'kg';
  readonly items: readonly DemoItem[];
}

const f = (category: DemoCategoryKey, brand: string, brandEn: string | null, items: DemoItem[], taxRateBp = 1300): DemoFamily => ({
  category,
  brand,
  brandEn,
  taxRateBp,
  items,
});

export const DEMO_FAMILIES: readonly DemoFamily[] = [
  // 饮料
  f('drinks', '可口可乐', 'Coca-Cola', [
    [' 330ml', '330ml can', 300],
    [' 500ml', '500ml', 350],
    [' 1.25L', '1.25L', 550],
    [' 2L', '2L', 800],
    ['零度 330ml', 'Zero 330ml can', 300],
    ['零度 500ml', 'Zero 500ml', 350],
    ['纤维+ 500ml', 'Fiber+ 500ml', 400],
  ]),
  f('drinks', '雪碧', 'Sprite', [
    [' 330ml', '330ml can', 300],
    [' 500ml', '500ml', 350],
    [' 2L', '2L', 800],
    ['零卡 500ml', 'Zero 500ml', 350],
  ]),
  f('drinks', '芬达', 'Fanta', [
    ['橙味 500ml', 'Orange 500ml', 350],
    ['苹果味 500ml', 'Apple 500ml', 350],
  ]),
  f('drinks', '百事可乐', 'Pepsi', [
    [' 330ml', '330ml can', 300],
    [' 500ml', '500ml', 350],
    ['无糖 500ml', 'No Sugar 500ml', 350],
    [' 2L', '2L', 750],
  ]),
  f('drinks', '美年达', 'Mirinda', [['橙味 500ml', 'Orange 500ml', 350]]),
  f('drinks', '七喜', '7UP', [['柠檬味 500ml', 'Lemon 500ml', 350]]),
  f('drinks', '农夫山泉', 'Nongfu Spring', [
    [' 550ml', 'Natural Water 550ml', 200],
    [' 380ml', 'Natural Water 380ml', 150],
    [' 1.5L', 'Natural Water 1.5L', 400],
    [' 4L', 'Natural Water 4L', 900],
    ['农夫果园 混合果蔬汁 500ml', 'Farmer Orchard Mixed Juice 500ml', 550],
    ['水溶C100 柠檬味 445ml', 'Vitamin C100 Lemon 445ml', 550],
  ]),
  f('drinks', '怡宝', "C'estbon", [
    ['纯净水 555ml', 'Purified Water 555ml', 200],
    ['纯净水 1.555L', 'Purified Water 1.555L', 400],
    ['至本清润 菊花茶 450ml', 'Chrysanthemum Tea 450ml', 500],
  ]),
  f('drinks', '百岁山', 'Ganten', [
    ['天然矿泉水 570ml', 'Mineral Water 570ml', 300],
    ['天然矿泉水 348ml', 'Mineral Water 348ml', 200],
  ]),
  f('drinks', '康师傅', 'Master Kong', [
    ['冰红茶 500ml', 'Iced Black Tea 500ml', 300],
    ['冰红茶 1L', 'Iced Black Tea 1L', 500],
    ['绿茶 500ml', 'Green Tea 500ml', 300],
    ['茉莉清茶 500ml', 'Jasmine Tea 500ml', 300],
    ['冰糖雪梨 500ml', 'Rock Sugar Pear Drink 500ml', 350],
    ['酸梅汤 500ml', 'Sour Plum Drink 500ml', 350],
    ['蜂蜜柚子 500ml', 'Honey Pomelo Tea 500ml', 350],
    ['喝开水 550ml', 'Boiled Water 550ml', 200],
  ]),
  f('drinks', '统一', 'Uni-President', [
    ['冰红茶 500ml', 'Iced Black Tea 500ml', 300],
    ['绿茶 500ml', 'Green Tea 500ml', 300],
    ['阿萨姆奶茶 500ml', 'Assam Milk Tea 500ml', 450],
    ['小茗同学 冷泡茶 480ml', 'Xiaoming Cold Brew Tea 480ml', 500],
    ['海之言 柠檬味 500ml', 'Sea Salt Lemon 500ml', 500],
    ['鲜橙多 450ml', 'Orange Drink 450ml', 350],
  ]),
  f('drinks', '元气森林', 'Genki Forest', [
    ['苏打气泡水 白桃味 480ml', 'Sparkling Water White Peach 480ml', 500],
    ['苏打气泡水 青瓜味 480ml', 'Sparkling Water Cucumber 480ml', 500],
    ['苏打气泡水 卡曼橘味 480ml', 'Sparkling Water Calamansi 480ml', 500],
    ['苏打气泡水 葡萄味 480ml', 'Sparkling Water Grape 480ml', 500],
    ['外星人电解质水 500ml', 'Alienergy Electrolyte Water 500ml', 600],
    ['燃茶 无糖乌龙茶 500ml', 'Ran Oolong Tea 500ml', 500],
  ]),
  f('drinks', '东方树叶', 'Oriental Leaf', [
    ['茉莉花茶 500ml', 'Jasmine Tea 500ml', 500],
    ['乌龙茶 500ml', 'Oolong Tea 500ml', 500],
    ['红茶 500ml', 'Black Tea 500ml', 500],
    ['青柑普洱 500ml', 'Citrus Pu-erh 500ml', 500],
    ['绿茶 500ml', 'Green Tea 500ml', 500],
  ]),
  f('drinks', '茶π', 'Tea Pi', [
    ['柠檬红茶 500ml', 'Lemon Black Tea 500ml', 500],
    ['西柚茉莉花茶 500ml', 'Grapefruit Jasmine Tea 500ml', 500],
  ]),
  f('drinks', '三得利', 'Suntory', [
    ['乌龙茶 500ml', 'Oolong Tea 500ml', 550],
    ['无糖乌龙茶 500ml', 'Oolong Tea No Sugar 500ml', 550],
  ]),
  f('drinks', '王老吉', 'Wong Lo Kat', [
    ['凉茶 310ml', 'Herbal Tea 310ml can', 400],
    ['凉茶 500ml', 'Herbal Tea 500ml', 550],
  ]),
  f('drinks', '加多宝', 'JDB', [['凉茶 310ml', 'Herbal Tea 310ml can', 400]]),
  f('drinks', '红牛', 'Red Bull', [['维生素功能饮料 250ml', 'Energy Drink 250ml', 600]]),
  f('drinks', '东鹏特饮', 'Eastroc Super Drink', [
    [' 500ml', '500ml', 500],
    [' 250ml', '250ml', 350],
  ]),
  f('drinks', '乐虎', 'Le Hu', [['氨基酸维生素功能饮料 250ml', 'Energy Drink 250ml', 500]]),
  f('drinks', '脉动', 'Mizone', [
    ['青柠味 600ml', 'Lime 600ml', 500],
    ['桃子味 600ml', 'Peach 600ml', 500],
    ['芒果味 600ml', 'Mango 600ml', 500],
  ]),
  f('drinks', '佳得乐', 'Gatorade', [['柠檬味 600ml', 'Lemon 600ml', 550]]),
  f('drinks', '宝矿力水特', 'Pocari Sweat', [[' 500ml', '500ml', 600]]),
  f('drinks', '尖叫', 'Scream', [['运动饮料 550ml', 'Sports Drink 550ml', 500]]),
  f('drinks', '美汁源', 'Minute Maid', [
    ['果粒橙 420ml', 'Pulpy Orange 420ml', 400],
    ['果粒橙 1.25L', 'Pulpy Orange 1.25L', 800],
  ]),
  f('drinks', '汇源', 'Huiyuan', [
    ['100%橙汁 1L', '100% Orange Juice 1L', 1590],
    ['100%桃汁 1L', '100% Peach Juice 1L', 1590],
  ]),
  f('drinks', '娃哈哈', 'Wahaha', [
    ['纯净水 596ml', 'Purified Water 596ml', 200],
    ['AD钙奶 220g×4', 'AD Calcium Milk Drink 220g×4', 1000],
    ['营养快线 原味 500g', 'Nutri-Express 500g', 500],
  ]),
  f('drinks', '雀巢', 'Nestlé', [
    ['咖啡 丝滑拿铁 268ml', 'Coffee Latte 268ml', 650],
    ['咖啡 特浓 268ml', 'Coffee Extra Strong 268ml', 650],
    ['优活 饮用水 550ml', 'Pure Life Water 550ml', 150],
  ]),
  f('drinks', '星巴克', 'Starbucks', [
    ['星选 美式咖啡 270ml', 'Selection Americano 270ml', 1200],
    ['星选 拿铁咖啡 270ml', 'Selection Latte 270ml', 1200],
  ]),
  f('drinks', '椰树', 'Coconut Palm', [
    ['椰汁 245ml', 'Coconut Juice 245ml can', 450],
    ['椰汁 1L', 'Coconut Juice 1L', 1300],
  ]),
  f('drinks', '北冰洋', 'Arctic Ocean', [['桔汁汽水 248ml', 'Orange Soda 248ml', 500]]),
  f('drinks', '冰峰', 'Bingfeng', [['橙味汽水 330ml', 'Orange Soda 330ml', 400]]),
  f('drinks', '健力宝', 'Jianlibao', [['橙蜜味 330ml', 'Orange Honey 330ml can', 350]]),
  f('drinks', '六个核桃', 'Yangyuan Walnut', [['核桃乳 240ml', 'Walnut Milk 240ml can', 450]]),
  f('drinks', '露露', 'Lolo', [['杏仁露 240ml', 'Almond Drink 240ml can', 450]]),
  f('drinks', '维他', 'Vita', [
    ['柠檬茶 250ml', 'Lemon Tea 250ml', 400],
    ['豆奶 250ml', 'Soya Milk 250ml', 400],
  ]),

  // 酒水 (beer, spirits; no tobacco in this shop's demo)
  f('alcohol', '青岛啤酒', 'Tsingtao', [
    ['经典 500ml', 'Classic 500ml can', 600],
    ['纯生 500ml', 'Draft 500ml can', 800],
  ]),
  f('alcohol', '雪花啤酒', 'Snow', [
    ['勇闯天涯 500ml', 'Brave the World 500ml can', 550],
    ['纯生 500ml', 'Draft 500ml can', 700],
  ]),
  f('alcohol', '百威啤酒', 'Budweiser', [[' 500ml', '500ml can', 750]]),
  f('alcohol', '哈尔滨啤酒', 'Harbin', [['冰纯 500ml', 'Ice 500ml can', 500]]),
  f('alcohol', '燕京啤酒', 'Yanjing', [['清爽 500ml', 'Fresh 500ml can', 450]]),
  f('alcohol', '红星', 'Red Star', [['二锅头 56度 500ml', 'Erguotou 56% 500ml', 1500]]),
  f('alcohol', '牛栏山', 'Niulanshan', [['陈酿 42度 500ml', 'Aged Erguotou 42% 500ml', 1800]]),
  f('alcohol', '江小白', 'Jiang Xiaobai', [['表达瓶 40度 100ml', 'Expression 40% 100ml', 2000]]),
  f('alcohol', 'RIO', 'RIO', [
    ['微醺 白桃白兰地味 330ml', 'Micro-Tipsy White Peach 330ml can', 800],
    ['强爽 柠檬味 500ml', 'Strong Lemon 500ml can', 1000],
  ]),

  // 零食
  f('snacks', '乐事', "Lay's", [
    ['薯片 原味 70g', 'Potato Chips Classic 70g', 750],
    ['薯片 黄瓜味 70g', 'Potato Chips Cucumber 70g', 750],
    ['薯片 番茄味 70g', 'Potato Chips Tomato 70g', 750],
    ['薯片 墨西哥鸡汁番茄味 70g', 'Potato Chips Mexican Tomato Chicken 70g', 750],
    ['薯片 青柠味 70g', 'Potato Chips Lime 70g', 750],
    ['薯片 原味 40g', 'Potato Chips Classic 40g', 450],
    ['薯片 黄瓜味 40g', 'Potato Chips Cucumber 40g', 450],
    ['无限 薯片 原味 104g', 'Stax Classic 104g', 1150],
  ]),
  f('snacks', '品客', 'Pringles', [
    ['薯片 原味 110g', 'Original 110g', 1190],
    ['薯片 酸乳酪洋葱味 110g', 'Sour Cream & Onion 110g', 1190],
  ]),
  f('snacks', '可比克', 'Copico', [['薯片 番茄味 60g', 'Potato Chips Tomato 60g', 550]]),
  f('snacks', '上好佳', 'Oishi', [
    ['鲜虾片 40g', 'Prawn Crackers 40g', 350],
    ['洋葱圈 40g', 'Onion Rings 40g', 350],
  ]),
  f('snacks', '奥利奥', 'Oreo', [
    ['夹心饼干 原味 97g', 'Sandwich Cookies Original 97g', 650],
    ['夹心饼干 草莓味 97g', 'Sandwich Cookies Strawberry 97g', 650],
    ['夹心饼干 巧克力味 97g', 'Sandwich Cookies Chocolate 97g', 650],
    ['夹心饼干 原味 388g', 'Sandwich Cookies Original 388g', 1990],
  ]),
  f('snacks', '旺旺', 'Want Want', [
    ['雪饼 84g', 'Snow Rice Crackers 84g', 600],
    ['仙贝 52g', 'Senbei Rice Crackers 52g', 500],
    ['旺仔小馒头 100g', 'Milk Puffs 100g', 800],
    ['旺仔QQ糖 葡萄味 20g', 'QQ Gummies Grape 20g', 250],
    ['浪味仙 田园蔬菜味 70g', 'Lonely God Veggie 70g', 650],
  ]),
  f('snacks', '好丽友', 'Orion', [
    ['派 巧克力味 6枚 204g', 'Choco Pie 6 pcs 204g', 1350],
    ['好多鱼 33g', 'Goraebap Fish Crackers 33g', 500],
    ['呀!土豆 番茄酱味 40g', 'Oh! Potato Ketchup 40g', 550],
    ['薯愿 原味 104g', 'Potato Chips Original 104g', 1090],
  ]),
  f('snacks', '德芙', 'Dove', [
    ['丝滑牛奶巧克力 43g', 'Silky Milk Chocolate 43g', 1050],
    ['黑巧克力 43g', 'Dark Chocolate 43g', 1050],
  ]),
  f('snacks', '士力架', 'Snickers', [['花生夹心巧克力 51g', 'Peanut Chocolate Bar 51g', 550]]),
  f('snacks', 'M&M’S', 'M&M’S', [['牛奶巧克力豆 40g', 'Milk Chocolate 40g', 700]]),
  f('snacks', '绿箭', 'Doublemint', [['口香糖 薄荷味 5片', 'Chewing Gum Mint 5 sticks', 250]]),
  f('snacks', '益达', 'Extra', [['木糖醇口香糖 40粒', 'Xylitol Gum 40 pcs', 1150]]),
  f('snacks', '炫迈', 'Stride', [['无糖口香糖 葡萄味 50.4g', 'Sugar-free Gum Grape 50.4g', 1290]]),
  f('snacks', '阿尔卑斯', 'Alpenliebe', [
    ['棒棒糖 10g', 'Lollipop 10g', 100],
    ['硬糖 牛奶味 45g', 'Hard Candy Milk 45g', 650],
  ]),
  f('snacks', '大白兔', 'White Rabbit', [['奶糖 114g', 'Creamy Candy 114g', 1290]]),
  f('snacks', '徐福记', 'Hsu Fu Chi', [['酥心糖 200g', 'Crispy Candy 200g', 1590]]),
  f('snacks', '卫龙', 'Weilong', [
    ['大面筋 102g', 'Spicy Gluten Strips 102g', 500],
    ['亲嘴烧 16g', 'Spicy Gluten Slice 16g', 100],
    ['魔芋爽 香辣味 18g', 'Konjac Spicy 18g', 150],
  ]),
  f('snacks', '三只松鼠', 'Three Squirrels', [
    ['每日坚果 25g', 'Daily Nuts 25g', 590],
    ['碧根果 120g', 'Pecans 120g', 2190],
    ['开心果 100g', 'Pistachios 100g', 1890],
  ]),
  f('snacks', '洽洽', 'ChaCheer', [
    ['香瓜子 260g', 'Roasted Sunflower Seeds 260g', 1290],
    ['焦糖瓜子 108g', 'Caramel Sunflower Seeds 108g', 690],
    ['小黄袋 每日坚果 26g', 'Daily Nuts 26g', 590],
  ]),
  f('snacks', '良品铺子', 'Bestore', [
    ['猪肉脯 100g', 'Pork Jerky 100g', 1590],
    ['芒果干 108g', 'Dried Mango 108g', 1290],
  ]),
  f('snacks', '溜溜梅', 'Liuliumei', [['清梅 160g', 'Green Plums 160g', 1190]]),
  f('snacks', '盼盼', 'Panpan', [['法式小面包 奶香味 200g', 'French Mini Bread Milk 200g', 1190]]),
  f('snacks', '达利园', 'Daliyuan', [
    ['蛋黄派 250g', 'Egg Yolk Pie 250g', 1090],
    ['瑞士卷 草莓味 240g', 'Swiss Roll Strawberry 240g', 1390],
  ]),
  f('snacks', '康师傅', 'Master Kong', [['3+2 苏打夹心饼干 柠檬味 125g', '3+2 Soda Crackers Lemon 125g', 650]]),
  f('snacks', '米老头', 'Milaotou', [['青稞米饼 150g', 'Highland Barley Rice Cakes 150g', 890]]),
  f('snacks', '趣多多', 'Chips Ahoy!', [['巧克力曲奇 95g', 'Chocolate Chip Cookies 95g', 790]]),
  f('snacks', '奇多', 'Cheetos', [['粟米棒 日式牛排味 90g', 'Corn Puffs Steak 90g', 790]]),
  f('snacks', '妙脆角', 'Miaocuijiao', [['魔力炭烧味 65g', 'Corn Chips BBQ 65g', 550]]),

  // 方便食品
  f('instant', '康师傅', 'Master Kong', [
    ['红烧牛肉面 袋装 105g', 'Braised Beef Noodles 105g pack', 350],
    ['红烧牛肉面 桶装 110g', 'Braised Beef Noodles 110g bowl', 500],
    ['红烧牛肉面 五连包', 'Braised Beef Noodles 5-pack', 1450],
    ['香辣牛肉面 袋装 105g', 'Spicy Beef Noodles 105g pack', 350],
    ['老坛酸菜牛肉面 袋装 114g', 'Pickled Cabbage Beef Noodles 114g pack', 350],
    ['鲜虾鱼板面 袋装 98g', 'Shrimp Fish Cake Noodles 98g pack', 350],
    ['汤大师 日式豚骨拉面 桶装', 'Tonkotsu Ramen bowl', 650],
  ]),
  f('instant', '统一', 'Uni-President', [
    ['老坛酸菜牛肉面 袋装 121g', 'Pickled Cabbage Beef Noodles 121g pack', 350],
    ['老坛酸菜牛肉面 桶装 120g', 'Pickled Cabbage Beef Noodles 120g bowl', 500],
    ['汤达人 日式豚骨拉面 125g', 'Soup Daren Tonkotsu Ramen 125g', 650],
    ['来一桶 红烧牛肉面 桶装', 'Braised Beef Noodles bowl', 500],
  ]),
  f('instant', '今麦郎', 'Jinmailang', [
    ['一菜一面 老坛酸菜面 桶装', 'Pickled Cabbage Noodles bowl', 500],
    ['弹面 红烧牛肉面 袋装', 'Braised Beef Noodles pack', 250],
  ]),
  f('instant', '白象', 'Baixiang', [
    ['汤好喝 老母鸡汤面 桶装', 'Chicken Soup Noodles bowl', 550],
    ['大辣娇 泡椒牛肉面 桶装', 'Pickled Pepper Beef Noodles bowl', 500],
  ]),
  f('instant', '合味道', 'Cup Noodles', [
    ['海鲜风味 84g', 'Seafood 84g', 650],
    ['香辣海鲜风味 84g', 'Spicy Seafood 84g', 650],
  ]),
  f('instant', '出前一丁', 'Demae Iccho', [['麻油味 100g', 'Sesame Oil 100g', 550]]),
  f('instant', '莫小仙', 'Mo Xiaoxian', [['自热小火锅 麻辣嫩牛', 'Self-heating Hotpot Spicy Beef', 2590]]),
  f('instant', '自嗨锅', 'Zihaiguo', [['自热煲仔饭 香肠腊肉', 'Self-heating Claypot Rice', 2490]]),
  f('instant', '双汇', 'Shuanghui', [
    ['王中王 火腿肠 40g×10', 'King Ham Sausage 40g×10', 1290],
    ['玉米热狗肠 30g×9', 'Corn Hot Dog Sausage 30g×9', 990],
  ]),
  f('instant', '梅林', 'Maling', [['午餐肉罐头 340g', 'Luncheon Meat 340g', 1690]]),
  f('instant', '乌江', 'Wujiang', [['涪陵榨菜 80g', 'Fuling Pickled Mustard 80g', 250]]),
  f('instant', '娃哈哈', 'Wahaha', [['八宝粥 360g', 'Eight-Treasure Porridge 360g', 450]]),
  f('instant', '银鹭', 'Yinlu', [['桂圆莲子八宝粥 280g', 'Longan Lotus Porridge 280g', 450]]),

  // 乳品: plain milk 9%, yoghurt and flavoured milk 13%
  f('dairy', '蒙牛', 'Mengniu', [
    ['纯牛奶 250ml', 'Pure Milk 250ml', 350, 900],
    ['纯牛奶 250ml×16', 'Pure Milk 250ml×16', 5590, 900],
    ['特仑苏 纯牛奶 250ml', 'Deluxe Pure Milk 250ml', 600, 900],
    ['纯甄 酸牛奶 200g', 'Yoghurt 200g', 550],
    ['真果粒 草莓味 250g', 'Fruit Milk Strawberry 250g', 450],
    ['优益C 活菌型乳酸菌饮品 340ml', 'Yoyi C Probiotic Drink 340ml', 600],
  ]),
  f('dairy', '伊利', 'Yili', [
    ['纯牛奶 250ml', 'Pure Milk 250ml', 350, 900],
    ['金典 纯牛奶 250ml', 'Satine Pure Milk 250ml', 600, 900],
    ['安慕希 原味 205g', 'Ambrosial Yoghurt 205g', 550],
    ['安慕希 黄桃燕麦味 200g', 'Ambrosial Yoghurt Peach Oat 200g', 550],
    ['QQ星 儿童成长牛奶 125ml', 'QQ Star Kids Milk 125ml', 350],
    ['优酸乳 原味 250ml', 'Yoghurt Drink 250ml', 300],
    ['舒化 无乳糖牛奶 220ml', 'Lactose-free Milk 220ml', 550],
  ]),
  f('dairy', '光明', 'Bright Dairy', [
    ['鲜牛奶 950ml', 'Fresh Milk 950ml', 1380, 900],
    ['优倍 鲜牛奶 950ml', 'Youbei Fresh Milk 950ml', 1800, 900],
    ['莫斯利安 原味 200g', 'Momchilovtsi Yoghurt 200g', 650],
  ]),
  f('dairy', '君乐宝', 'Junlebao', [
    ['简醇 0蔗糖酸奶 150g', 'Plain Yoghurt No Sucrose 150g', 490],
    ['悦鲜活 鲜牛奶 260ml', 'Fresh Milk 260ml', 650, 900],
  ]),
  f('dairy', '养乐多', 'Yakult', [['活菌型乳酸菌乳饮品 100ml×5', 'Yakult 100ml×5', 1250]]),
  f('dairy', '旺仔', 'Want Want', [['牛奶 245ml', 'Hot-Kid Milk 245ml can', 550]]),

  // 粮油调味: grain, edible oil and salt 9%
  f('grocery', '金龙鱼', 'Arawana', [
    ['大豆油 1.8L', 'Soybean Oil 1.8L', 2690, 900],
    ['东北大米 5kg', 'Northeast Rice 5kg', 3990, 900],
  ]),
  f('grocery', '福临门', 'Fortune', [['花生油 900ml', 'Peanut Oil 900ml', 2590, 900]]),
  f('grocery', '五得利', 'Wudeli', [['高筋小麦粉 1kg', 'Bread Flour 1kg', 750, 900]]),
  f('grocery', '中盐', 'China Salt', [['加碘精制盐 400g', 'Iodised Salt 400g', 250, 900]]),
  f('grocery', '海天', 'Haday', [
    ['生抽 500ml', 'Light Soy Sauce 500ml', 790],
    ['老抽 500ml', 'Dark Soy Sauce 500ml', 850],
    ['蚝油 520g', 'Oyster Sauce 520g', 890],
    ['味极鲜 酱油 380ml', 'Seasoned Soy Sauce 380ml', 850],
  ]),
  f('grocery', '李锦记', 'Lee Kum Kee', [['蒸鱼豉油 410ml', 'Seasoned Soy Sauce for Fish 410ml', 1290]]),
  f('grocery', '老干妈', 'Lao Gan Ma', [['风味豆豉油制辣椒 280g', 'Chili Oil with Black Beans 280g', 1100]]),
  f('grocery', '太太乐', 'Totole', [['鸡精 200g', 'Chicken Bouillon 200g', 1090]]),
  f('grocery', '恒顺', 'Hengshun', [['香醋 500ml', 'Zhenjiang Vinegar 500ml', 690]]),
  f('grocery', '太古', 'Taikoo', [['白砂糖 454g', 'White Sugar 454g', 690]]),

  // 冷冻食品
  f('frozen', '和路雪', "Wall's", [
    ['梦龙 香草味 64g', 'Magnum Vanilla 64g', 1000],
    ['可爱多 香草巧克力味 67g', 'Cornetto Vanilla Chocolate 67g', 550],
  ]),
  f('frozen', '伊利', 'Yili', [
    ['巧乐兹 经典巧克力 75g', 'Qiaolezi Chocolate 75g', 500],
    ['冰工厂 酸梅 80g', 'Ice Factory Sour Plum 80g', 300],
  ]),
  f('frozen', '蒙牛', 'Mengniu', [
    ['随变 香草巧克力 75g', 'Suibian Vanilla Chocolate 75g', 500],
    ['绿色心情 绿豆 68g', 'Mung Bean Ice Bar 68g', 300],
  ]),
  f('frozen', '思念', 'Synear', [
    ['水饺 猪肉白菜 500g', 'Dumplings Pork & Cabbage 500g', 1590],
    ['汤圆 黑芝麻 500g', 'Black Sesame Tangyuan 500g', 1290],
  ]),
  f('frozen', '三全', 'Sanquan', [
    ['水饺 猪肉玉米 500g', 'Dumplings Pork & Corn 500g', 1590],
    ['手抓饼 原味 450g', 'Scallion Pancakes 450g', 1490],
  ]),
  f('frozen', '湾仔码头', 'Wanchai Ferry', [['水饺 玉米猪肉 720g', 'Dumplings Corn & Pork 720g', 3290]]),

  // 鲜食: made for the shop by a central kitchen (no brand in the name)
  f('fresh', '', null, [
    ['金枪鱼饭团', 'Tuna Rice Ball', 650],
    ['照烧鸡肉饭团', 'Teriyaki Chicken Rice Ball', 650],
    ['海苔肉松饭团', 'Seaweed Pork Floss Rice Ball', 600],
    ['火腿鸡蛋三明治', 'Ham & Egg Sandwich', 850],
    ['金枪鱼三明治', 'Tuna Sandwich', 850],
    ['培根生菜三明治', 'Bacon Lettuce Sandwich', 950],
    ['香菇青菜包', 'Mushroom & Greens Bun', 250],
    ['鲜肉大包', 'Pork Bun', 300],
    ['豆沙包', 'Red Bean Bun', 200],
    ['茶叶蛋', 'Tea Egg', 200],
    ['红烧排骨便当', 'Braised Pork Ribs Bento', 2290],
    ['宫保鸡丁便当', 'Kung Pao Chicken Bento', 1990],
    ['寿司拼盘', 'Sushi Platter', 1590],
    ['台式烤肠', 'Taiwanese Grilled Sausage', 300],
    ['甜玉米 1根', 'Sweet Corn on the Cob', 400],
  ]),

  // 日用百货
  f('household', '清风', 'Breeze', [
    ['抽纸 3层120抽×3包', 'Facial Tissue 3-ply 120 sheets ×3', 990],
    ['卷纸 4层×10卷', 'Toilet Roll 4-ply ×10', 2990],
    ['湿巾 10片', 'Wet Wipes 10 pcs', 350],
  ]),
  f('household', '维达', 'Vinda', [
    ['抽纸 3层130抽×3包', 'Facial Tissue 3-ply 130 sheets ×3', 1090],
    ['手帕纸 4层×10包', 'Pocket Tissue 4-ply ×10', 590],
  ]),
  f('household', '心相印', 'Mind Act Upon Mind', [['手帕纸 茶语×10包', 'Pocket Tissue Tea ×10', 690]]),
  f('household', '蓝月亮', 'Bluemoon', [
    ['深层洁净洗衣液 1kg', 'Deep Clean Laundry Liquid 1kg', 2990],
    ['洗手液 300g', 'Hand Wash 300g', 1590],
  ]),
  f('household', '立白', 'Liby', [
    ['洗洁精 1.12kg', 'Dishwashing Liquid 1.12kg', 1290],
    ['洗衣粉 1.5kg', 'Laundry Powder 1.5kg', 1690],
  ]),
  f('household', '汰渍', 'Tide', [['洗衣液 1kg', 'Laundry Liquid 1kg', 2590]]),
  f('household', '南孚', 'Nanfu', [
    ['碱性电池 5号 2粒', 'Alkaline Battery AA ×2', 790],
    ['碱性电池 7号 2粒', 'Alkaline Battery AAA ×2', 790],
  ]),
  f('household', '妙洁', 'Miaojie', [
    ['保鲜袋 中号 100只', 'Food Bags Medium ×100', 990],
    ['垃圾袋 45×50cm 30只', 'Bin Bags 45×50cm ×30', 890],
  ]),
  f('household', '得力', 'Deli', [
    ['中性笔 0.5mm 黑色', 'Gel Pen 0.5mm Black', 200],
    ['便利贴 76×76mm', 'Sticky Notes 76×76mm', 450],
  ]),
  f('household', '稳健', 'Winner', [['一次性医用口罩 10只', 'Disposable Masks ×10', 990]]),
  f('household', '天堂', 'Paradise', [['晴雨伞 三折', 'Folding Umbrella', 3990]]),

  // 个人护理
  f('care', '高露洁', 'Colgate', [
    ['牙膏 防蛀 90g', 'Toothpaste Cavity Protection 90g', 990],
    ['牙膏 全效 120g', 'Toothpaste Total 120g', 1590],
    ['牙刷 软毛', 'Toothbrush Soft', 890],
  ]),
  f('care', '佳洁士', 'Crest', [['牙膏 3D炫白 120g', 'Toothpaste 3D White 120g', 1490]]),
  f('care', '云南白药', 'Yunnan Baiyao', [['牙膏 留兰香型 45g', 'Toothpaste Spearmint 45g', 1590]]),
  f('care', '黑人', 'Darlie', [['牙膏 双重薄荷 90g', 'Toothpaste Double Mint 90g', 1090]]),
  f('care', '海飞丝', 'Head & Shoulders', [['去屑洗发露 200ml', 'Anti-dandruff Shampoo 200ml', 3290]]),
  f('care', '飘柔', 'Rejoice', [['洗发露 200ml', 'Shampoo 200ml', 2290]]),
  f('care', '舒肤佳', 'Safeguard', [
    ['香皂 纯白清香 100g', 'Soap Pure White 100g', 550],
    ['沐浴露 400ml', 'Body Wash 400ml', 2990],
  ]),
  f('care', '大宝', 'Dabao', [['SOD蜜 100ml', 'SOD Moisturiser 100ml', 1290]]),
  f('care', '曼秀雷敦', 'Mentholatum', [['润唇膏 3.5g', 'Lip Balm 3.5g', 2290]]),
  f('care', '护舒宝', 'Whisper', [['卫生巾 日用 10片', 'Sanitary Pads Day ×10', 1590]]),
  f('care', '苏菲', 'Sofy', [['卫生巾 弹力贴身 日用 10片', 'Sanitary Pads Day ×10', 1490]]),
  f('care', '吉列', 'Gillette', [['剃须刀 威锋 1刀架', 'Vector Razor', 1990]]),

  // 散装称重: price per kg; fruit, vegetables and eggs 9%, roasted snacks 13%
  {
    ...f(
      'weighed',
      '',
      null,
      [
        ['苹果 红富士', 'Apple (Fuji)', 980],
        ['香蕉', 'Banana', 698],
        ['赣南脐橙', 'Navel Orange', 898],
        ['砀山酥梨', 'Dangshan Pear', 598],
        ['巨峰葡萄', 'Kyoho Grape', 1280],
        ['西瓜', 'Watermelon', 298],
        ['哈密瓜', 'Hami Melon', 598],
        ['台农芒果', 'Mango', 998],
        ['红心火龙果', 'Red Dragon Fruit', 1280],
        ['徐香猕猴桃', 'Kiwi Fruit', 1180],
        ['柠檬', 'Lemon', 1580],
        ['草莓', 'Strawberry', 3980],
        ['圣女果', 'Cherry Tomato', 1580],
        ['鸡蛋', 'Eggs', 1180],
        ['土豆', 'Potato', 398],
        ['西红柿', 'Tomato', 698],
        ['黄瓜', 'Cucumber', 598],
        ['大白菜', 'Napa Cabbage', 238],
        ['胡萝卜', 'Carrot', 398],
        ['洋葱', 'Onion', 358],
        ['青椒', 'Green Pepper', 798],
        ['生姜', 'Ginger', 1580],
        ['大蒜', 'Garlic', 1280],
        ['散装 焦糖瓜子', 'Caramel Sunflower Seeds (loose)', 2980, 1300],
        ['散装 五香花生', 'Spiced Peanuts (loose)', 2580, 1300],
      ],
      900,
    ),
    unit: 'kg',
  },
];
