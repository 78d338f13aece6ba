-- Reference data every installation needs: the district plan's industries and its two targets.
-- Source: 涪陵区建设现代制造业知识产权强区工作方案 (2025-09-22), task 8 and the industry focus.

INSERT INTO industries (code, name_zh, name_en, priority) VALUES
    ('advanced_materials', '先进材料', 'Advanced materials', true),
    ('equipment', '装备制造', 'Equipment manufacturing', true),
    ('biomedicine', '生物医药', 'Biomedicine', true),
    ('new_energy', '新能源及新型储能', 'New energy and energy storage', true),
    ('semiconductors', '芯片半导体', 'Chips and semiconductors', true),
    ('artificial_intelligence', '人工智能', 'Artificial intelligence', true),
    ('food_processing', '食品加工（含涪陵榨菜）', 'Food processing (incl. Fuling zhacai)', true),
    ('characteristic_agriculture', '特色农业', 'Characteristic agriculture', false),
    ('shale_gas', '页岩气及化工', 'Shale gas and chemicals', false),
    ('smart_construction', '智能建造', 'Smart construction', false),
    ('services', '科技服务', 'Technology services', false),
    ('other', '其他', 'Other', false);

-- 12亿元 = 1,200,000,000 yuan = 120,000,000,000 fen; 18亿元 = 180,000,000,000 fen.
INSERT INTO programme_targets (name, baseline_date, deadline, amount_fen, firm_count) VALUES
    ('2027 阶段目标：知识产权融资累计超 12 亿元、惠及企业 50 家以上', '2025-09-22', '2027-12-31', 120000000000, 50),
    ('2029 目标：知识产权融资累计超 18 亿元、惠及企业 100 家以上', '2025-09-22', '2029-12-31', 180000000000, 100);
